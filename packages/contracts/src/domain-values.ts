/** Values shared by every process: channels, staff roles, departments, case states. */

export const CHANNELS = ['hotline', 'email', 'livechat', 'postal'] as const;
export type Channel = (typeof CHANNELS)[number];

export const STAFF_ROLES = ['hotline_operator', 'postal_clerk', 'cs_agent', 'department_staff', 'supervisor', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** The reference customer's departments: the default configuration. */
export const DEFAULT_DEPARTMENTS = ['domain', 'hosting', 'email', 'billing', 'technical', 'sales', 'customer_care'] as const;

/** The queue for cases the classifier was not sure about; a customer-support agent decides. */
export const TRIAGE = 'triage';

/** A department code: lowercase identifier (admins may add departments beyond the defaults). */
export const DEPARTMENT_CODE_PATTERN = /^[a-z][a-z0-9_]{1,39}$/;

export const CASE_STATUSES = [
  'triage', // waiting for a customer-support agent to classify it
  'routed', // in a department's queue, not yet claimed
  'in_progress', // claimed by department staff
  'answered', // the customer has been answered
  'closed', // root cause recorded, or resolved on first contact
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const PRIORITIES = ['normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];
