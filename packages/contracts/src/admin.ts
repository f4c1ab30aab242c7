import { type DEFAULT_ROOT_CAUSES, type StaffRole } from './domain-values';

/**
 * What admins manage (apps/gateway/src/routes/admin.routes.ts, the console's admin screens):
 * zod-free, so the console imports it too.
 */

/**
 * A department's settings. The case lifecycle's automatic fair assignment reads them
 * (`DepartmentSettingsRepository.settingsOf`): whether it runs, and how many open cases one
 * member of staff may hold before they are passed over.
 */
export interface DepartmentSettings {
  autoAssign: boolean;
  assignCap: number;
}

/** A department nobody has configured yet: assignment by hand. */
export const DEFAULT_DEPARTMENT_SETTINGS: Readonly<DepartmentSettings> = { autoAssign: false, assignCap: 10 };
export const ASSIGN_CAP_LIMITS = { min: 1, max: 500 } as const;

export interface DepartmentSettingsView extends DepartmentSettings {
  department: string;
  /** False until an admin saves them (the defaults apply). */
  configured: boolean;
  updatedBy?: string;
  updatedAt?: string;
}

/** A root-cause category code (the seed is DEFAULT_ROOT_CAUSES; admins add more). */
export const ROOT_CAUSE_CODE_PATTERN = /^[a-z][a-z0-9_]{1,39}$/;

/** The seeded categories' labels. */
export const DEFAULT_ROOT_CAUSE_LABELS: Readonly<Record<(typeof DEFAULT_ROOT_CAUSES)[number], { vi: string; en: string }>> = {
  registry_or_provider: { vi: 'Nhà đăng ký / nhà cung cấp', en: 'Registry or provider' },
  our_system_fault: { vi: 'Lỗi hệ thống của chúng tôi', en: 'Our system’s fault' },
  billing_error: { vi: 'Sai sót thanh toán', en: 'Billing error' },
  staff_error: { vi: 'Lỗi nhân viên', en: 'Staff error' },
  customer_misunderstanding: { vi: 'Khách hàng hiểu nhầm', en: 'Customer misunderstanding' },
  third_party: { vi: 'Bên thứ ba', en: 'Third party' },
  not_a_fault: { vi: 'Không phải lỗi', en: 'Not a fault' },
};

/** One root-cause category. A retired one (`active: false`) is no longer offered on close but stays readable on old cases. */
export interface RootCauseView {
  code: string;
  labelVi: string;
  labelEn: string;
  active: boolean;
  updatedBy?: string;
  updatedAt?: string;
}

/** A staff account as the admin screens show it (never the password hash). */
export interface StaffAccountView {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  department?: string;
  title?: string;
  active: boolean;
  lastLoginAt?: string;
  createdAt?: string;
  updatedAt?: string;
}

/** Answer to creating an account or resetting a password: a generated password is shown once. */
export interface StaffAccountWithPassword {
  account: StaffAccountView;
  /** Present only when the server generated it (no password was given). */
  temporaryPassword?: string;
}
