import type { StaffRole } from '@cg/contracts';

/**
 * What each role may do. Routes ask for a permission, never for a role name, so a new role
 * is one line here. Admins hold every permission.
 */
export const PERMISSIONS = {
  'hotline:log-call': ['hotline_operator'],
  'cases:read': ['hotline_operator', 'postal_clerk', 'cs_agent', 'department_staff', 'supervisor'],
  'staff:manage': [],
  /** Correct a case's department (the correction becomes classifier training data). */
  'cases:classify': ['cs_agent', 'supervisor'],
  /** Approve an extension of a case's target deadline (never past the cap). */
  'deadlines:extend': ['supervisor'],
  /** Load official holiday schedules. */
  'calendar:manage': [],
  /** Livechat: see live conversations and answer customers in real time. */
  'livechat:answer': ['cs_agent', 'supervisor'],
  /** Send a written answer to the customer by email (threaded under the case's conversation). */
  'cases:reply': ['cs_agent', 'supervisor'],
} as const satisfies Record<string, readonly StaffRole[]>;

export type Permission = keyof typeof PERMISSIONS;

export function hasPermission(role: StaffRole, permission: Permission): boolean {
  return role === 'admin' || (PERMISSIONS[permission] as readonly StaffRole[]).includes(role);
}
