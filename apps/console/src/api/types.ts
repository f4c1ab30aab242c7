import type { CaseStatus, Channel, Priority, StaffRole } from '@cg/contracts';

/**
 * What the gateway's staff API answers (apps/gateway/src/routes). Enums come from
 * @cg/contracts; the response shapes are written here until the case view is defined once in
 * contracts (the case-lifecycle work), then these become imports.
 */

export interface StaffPrincipal {
  staffId: string;
  email: string;
  name: string;
  role: StaffRole;
  department?: string;
}

export interface LoginResponse {
  token: string;
  tokenType: 'Bearer';
  expiresAt: string;
  staff: StaffPrincipal;
}

export interface Customer {
  name?: string;
  phone?: string;
  email?: string;
  customerId?: string;
  domain?: string;
}

export interface DueDate {
  dueDate: string;
  dueAt?: string;
  workingDays?: number;
}

export interface DeadlineExplanation {
  skipped: { date: string; reason: string }[];
}

export interface CaseSummary {
  caseNumber: string;
  status: CaseStatus;
  channel: Channel;
  department: string;
  priority: Priority;
  customer?: Customer;
  subject?: string;
  receivedAt: string;
  deadlines?: { target?: DueDate; cap?: DueDate };
  escalated?: boolean;
}

export interface CasePage {
  items: CaseSummary[];
  page: number;
  pageSize: number;
  total: number;
  totalPages: number;
}

export interface JournalEntry {
  at: string;
  type?: string;
  message: string;
  actor?: { kind?: string; name?: string; role?: string };
}

export interface CaseView extends CaseSummary {
  bodyText?: string;
  classification?: {
    department: string;
    confidence: number;
    method: string;
    evidence?: string[];
    bestGuess?: string;
    runnerUp?: { department: string; confidence: number };
  };
  deadlines?: { target?: DueDate; cap?: DueDate; explanation?: DeadlineExplanation };
  journal: JournalEntry[];
}

export interface CaseListQuery {
  department?: string;
  status?: string;
  channel?: string;
  q?: string;
  escalated?: boolean;
  page: number;
  pageSize: number;
}

export interface DeadlineAnswer {
  target: DueDate;
  cap: DueDate;
  explanation: DeadlineExplanation;
}

/** A field the server refused (problem+json `errors`). */
export interface FieldProblem {
  field: string;
  code?: string;
  message: string;
}
