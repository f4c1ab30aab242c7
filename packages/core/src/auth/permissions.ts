import type { StaffRole } from '@cg/contracts';

/**
 * What each role may do. Routes ask for a permission, never for a role name, so a new role
 * is one line here. Admins hold every permission.
 */
export const PERMISSIONS = {
  'hotline:log-call': ['hotline_operator'],
  'cases:read': ['hotline_operator', 'postal_clerk', 'cs_agent', 'department_staff', 'supervisor'],
  'staff:manage': [],
} as const satisfies Record<string, readonly StaffRole[]>;

export type Permission = keyof typeof PERMISSIONS;

export function hasPermission(role: StaffRole, permission: Permission): boolean {
  return role === 'admin' || (PERMISSIONS[permission] as readonly StaffRole[]).includes(role);
}
