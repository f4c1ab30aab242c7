import { hasPermission, type StaffPrincipal } from '@cg/core';

/**
 * Which cases a member of staff sees in lists and live updates — the one rule for the HTTP case
 * list (`GET /api/v1/cases`) and the `/staff-cases` socket namespace:
 * - `recorded`: roles without `cases:list` (hotline operators, postal clerks) see the cases they
 *   recorded (`recordedBy`); a case number still finds any case over HTTP (not a list);
 * - `department`: department staff see their department's queue and the cases it collaborates on;
 * - `all`: customer support, supervisors, admins.
 */
export type CaseListScope = { kind: 'all' } | { kind: 'department'; department: string } | { kind: 'recorded'; staffId: string };

export function caseListScope(staff: StaffPrincipal): CaseListScope {
  if (!hasPermission(staff.role, 'cases:list')) return { kind: 'recorded', staffId: staff.staffId };
  // A department member without a department sees no department's cases.
  if (staff.role === 'department_staff') return { kind: 'department', department: staff.department ?? '(none)' };
  return { kind: 'all' };
}

/**
 * Whether a case is in the scope: `departments` are the departments that see it (its queue and
 * collaborators; a live event also names those of before the change), `recordedBy` the staff id
 * of whoever recorded it.
 */
export function inCaseListScope(scope: CaseListScope, c: { departments: readonly string[]; recordedBy?: string | undefined }): boolean {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'department':
      return c.departments.includes(scope.department);
    case 'recorded':
      return c.recordedBy === scope.staffId;
  }
}
