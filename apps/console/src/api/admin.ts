import type {
  DepartmentSettings,
  DepartmentSettingsView,
  RootCauseView,
  StaffAccountView,
  StaffAccountWithPassword,
  StaffRole,
  WebhookDeliveryStatus,
  WebhookDeliveryView,
  WebhookEndpointCreated,
  WebhookEndpointView,
  WebhookEventType,
} from '@cg/contracts';

/**
 * The admin screens' API (apps/gateway/src/routes/admin.routes.ts, and the calendar's schedule
 * routes): staff accounts, department settings, the root-cause list, official holiday schedules.
 */

export interface NewStaffAccountBody {
  email: string;
  name: string;
  role: StaffRole;
  department?: string;
  title?: string;
  password?: string;
}

export interface StaffAccountChangeBody {
  name?: string;
  role?: StaffRole;
  department?: string | null;
  title?: string | null;
}

export interface ScheduleDay {
  date: string;
  reason: string;
}

export interface OfficialScheduleView {
  year: number;
  version: number;
  source: string;
  daysOff: ScheduleDay[];
  workingDays: ScheduleDay[];
  loadedBy?: string;
  loadedAt?: string;
}

export interface SchedulesAnswer {
  inForce: OfficialScheduleView[];
  shipped: OfficialScheduleView[];
  loaded: OfficialScheduleView[];
}

type Request = <T>(method: string, path: string, body?: unknown) => Promise<T>;

export function createAdminApi({ request }: { request: Request }) {
  const staffPath = (id: string) => `/api/v1/admin/staff/${encodeURIComponent(id)}`;
  return {
    staff: () => request<{ items: StaffAccountView[] }>('GET', '/api/v1/admin/staff'),
    createStaff: (body: NewStaffAccountBody) => request<StaffAccountWithPassword>('POST', '/api/v1/admin/staff', body),
    changeStaff: (id: string, body: StaffAccountChangeBody) => request<StaffAccountView>('PATCH', staffPath(id), body),
    setStaffActive: (id: string, active: boolean) =>
      request<StaffAccountView>('POST', `${staffPath(id)}/${active ? 'enable' : 'disable'}`, {}),
    resetPassword: (id: string) => request<StaffAccountWithPassword>('POST', `${staffPath(id)}/password`, {}),

    departments: () => request<{ items: DepartmentSettingsView[] }>('GET', '/api/v1/admin/departments'),
    saveDepartment: (department: string, body: DepartmentSettings) =>
      request<DepartmentSettingsView>('PUT', `/api/v1/admin/departments/${encodeURIComponent(department)}`, body),

    rootCauses: () => request<{ items: RootCauseView[] }>('GET', '/api/v1/admin/root-causes'),
    addRootCause: (body: { code: string; labelVi: string; labelEn: string }) =>
      request<RootCauseView>('POST', '/api/v1/admin/root-causes', body),
    changeRootCause: (code: string, body: { labelVi?: string; labelEn?: string; active?: boolean }) =>
      request<RootCauseView>('PATCH', `/api/v1/admin/root-causes/${encodeURIComponent(code)}`, body),

    schedules: () => request<SchedulesAnswer>('GET', '/api/v1/calendar/schedules'),
    /** An official schedule as JSON (year, source, daysOff, workingDays); it becomes the next version of its year. */
    loadSchedule: (schedule: unknown) => request<OfficialScheduleView>('POST', '/api/v1/calendar/schedules', schedule),
    /** Webhook endpoints for case events and their deliveries. */
    webhooks: createWebhooksApi({ request }),
  };
}

/** GET /api/v1/admin/webhooks: the endpoints, the event types, and those the system disabled (the notice). */
export interface WebhookEndpointsAnswer {
  items: WebhookEndpointView[];
  eventTypes: WebhookEventType[];
  needingAttention: WebhookEndpointView[];
}

export interface WebhookEndpointChangeBody {
  url?: string;
  events?: WebhookEventType[];
  description?: string;
  enabled?: boolean;
}

/** Webhook endpoints and their deliveries (apps/gateway/src/routes/webhooks.routes.ts). */
export function createWebhooksApi({ request }: { request: Request }) {
  const base = '/api/v1/admin/webhooks';
  return {
    endpoints: () => request<WebhookEndpointsAnswer>('GET', base),
    create: (body: { url: string; events: WebhookEventType[]; description?: string }) =>
      request<WebhookEndpointCreated>('POST', base, body),
    change: (id: string, body: WebhookEndpointChangeBody) =>
      request<WebhookEndpointView>('PATCH', `${base}/${encodeURIComponent(id)}`, body),
    rotateSecret: (id: string) => request<WebhookEndpointCreated>('POST', `${base}/${encodeURIComponent(id)}/secret`, {}),
    deliveries: (filter: { endpointId?: string; status?: WebhookDeliveryStatus; limit?: number }) => {
      const q = new URLSearchParams();
      if (filter.endpointId) q.set('endpointId', filter.endpointId);
      if (filter.status) q.set('status', filter.status);
      q.set('limit', String(filter.limit ?? 50));
      return request<{ items: WebhookDeliveryView[] }>('GET', `${base}/deliveries?${q.toString()}`);
    },
    resend: (deliveryId: string) => request<WebhookDeliveryView>('POST', `${base}/deliveries/${encodeURIComponent(deliveryId)}/resend`, {}),
  };
}

export type AdminApi = ReturnType<typeof createAdminApi>;
