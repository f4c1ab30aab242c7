import type { StaffRole } from '@cg/contracts';

/**
 * What each role may do. Routes ask for a permission, never for a role name, so a new role
 * is one line here. Admins hold every permission.
 */
export const PERMISSIONS = {
  'hotline:log-call': ['hotline_operator'],
  /** Postal: upload scanned letters (one or a batch). */
  'postal:upload': ['postal_clerk'],
  /** Postal: correct the recognised text and fields, confirm a letter into a case or reject it. */
  'postal:verify': ['postal_clerk'],
  /** Postal: list letters, read one, its page images and the scan (customer support sees a case's scan). */
  'postal:read': ['postal_clerk', 'cs_agent', 'supervisor'],
  /**
   * Read a case (and its journal, mail, files) by its number. Hotline operators and postal clerks
   * need no more than that and their own records: without `cases:list` their case list holds the
   * cases they recorded, and a case number finds that case (to reopen, deliver, call back).
   */
  'cases:read': ['hotline_operator', 'postal_clerk', 'cs_agent', 'department_staff', 'supervisor'],
  /** List, filter and search every case (department staff: their department's and its collaborations). */
  'cases:list': ['cs_agent', 'department_staff', 'supervisor'],
  /** Staff accounts: create, change role/department/title, disable/enable, reset passwords. Admins only. */
  'staff:manage': [],
  /** Per-department settings (automatic fair assignment on/off, cap of open cases per person). Admins only. */
  'departments:manage': [],
  /** The root-cause categories cases are closed with (add, relabel, retire). Admins only. */
  'root-causes:manage': [],
  /** The queue dashboard (Bull Board at /admin/queues): read, retry, clean and promote jobs. Admins only. */
  'queues:manage': [],
  /** Webhook endpoints for case events (register, change, disable, rotate the secret) and their deliveries (read, re-send). Admins only. */
  'webhooks:manage': [],
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
  /** Step 2: confirm the complaint with the customer (how, what they ask for, priority). */
  'cases:verify': ['cs_agent', 'supervisor'],
  /** Step 2: merge a duplicate (the same customer on two channels) into the surviving case. */
  'cases:merge': ['cs_agent', 'supervisor'],
  /** Step 3: say whether I am available for automatic fair assignment (department staff). */
  'assignment:availability': ['department_staff'],
  /** Step 3: take a case from the department queue, or give it back. */
  'cases:claim': ['department_staff', 'supervisor'],
  /** Step 3: give a case to a named member of its department. */
  'cases:assign': ['supervisor'],
  /** Internal notes: staff only, never sent to the customer. */
  'cases:note': ['hotline_operator', 'postal_clerk', 'cs_agent', 'department_staff', 'supervisor'],
  /** Bring other departments in as collaborators. */
  'cases:collaborate': ['cs_agent', 'department_staff', 'supervisor'],
  /** Move a case to another department, with a reason. */
  'cases:transfer': ['cs_agent', 'department_staff', 'supervisor'],
  /** Ask a supervisor to decide ("beyond my authority"). */
  'cases:escalate': ['cs_agent', 'department_staff', 'supervisor'],
  /** Report the findings, cause and remedy back to customer support. */
  'cases:report': ['department_staff', 'supervisor'],
  /** Step 4: draft the answer to the customer. */
  'cases:draft': ['cs_agent', 'supervisor'],
  /** Step 4: sign off (or return) a written answer. */
  'cases:approve': ['supervisor'],
  /** Step 4: record that the answer reached the customer (email, chat, callback, letter posted). */
  'cases:deliver': ['hotline_operator', 'postal_clerk', 'cs_agent', 'supervisor'],
  /** A hotline or livechat case resolved during the contact, with the customer's agreement. */
  'cases:resolve-on-contact': ['hotline_operator', 'cs_agent', 'supervisor'],
  /** Step 4, hotline: the callback tasks (answers an operator gives by phone) and their outcomes. */
  'callbacks:handle': ['hotline_operator', 'supervisor'],
  /** Step 4, postal: the signed letters to print and post, and their mailing dates. */
  'postal:mail': ['postal_clerk', 'supervisor'],
  /** Step 5: close with root cause and lesson learned. */
  'cases:close': ['cs_agent', 'supervisor'],
  /** The reports (volumes, deadlines kept, breaches, time to answer, open cases by age, root causes, satisfaction) and their CSVs. */
  'reports:read': ['supervisor'],
  /** Step 5: the customer is not satisfied and comes back. */
  'cases:reopen': ['hotline_operator', 'cs_agent', 'supervisor'],
} as const satisfies Record<string, readonly StaffRole[]>;

export type Permission = keyof typeof PERMISSIONS;

export function hasPermission(role: StaffRole, permission: Permission): boolean {
  return role === 'admin' || (PERMISSIONS[permission] as readonly StaffRole[]).includes(role);
}
