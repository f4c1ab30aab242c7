import { CASE_EVENTS_NAMESPACE, LIVECHAT_EVENTS, LIVECHAT_NAMESPACES, STAFF_ROLES, type StaffRole } from '@cg/contracts';
import { hasPermission, type Permission } from '@cg/core';

/**
 * Who may call a route or send a socket event:
 * - `public`: anyone (pages, health, sign-in, the pre-chat form);
 * - `staff`: a staff bearer token whose role holds the permission (packages/core/src/auth/permissions.ts);
 * - `any-staff`: any valid staff token (opening a console session from it);
 * - `visitor`: the livechat visitor token of the conversation — or, when `permission` is given,
 *   also a staff token holding it;
 * - `console-session`: the HttpOnly console cookie of a role holding the permission;
 * - `metrics-token`: the METRICS_TOKEN bearer (open in development when none is set);
 * - `customer`: anyone holding the link's token, but never a signed-in staff member (403).
 * `departmentScoped`: department staff get 404 for another department's case behind it.
 */
export type Access =
  | { kind: 'public' }
  | { kind: 'staff'; permission: Permission; departmentScoped?: true }
  | { kind: 'any-staff' }
  | { kind: 'visitor'; permission?: Permission }
  | { kind: 'console-session'; permission: Permission }
  | { kind: 'metrics-token' }
  | { kind: 'customer' };

const open: Access = { kind: 'public' };
const staff = (permission: Permission): Access => ({ kind: 'staff', permission });
/** A route about one case: also 404 for department staff of another department. */
const ofCase = (permission: Permission): Access => ({ kind: 'staff', permission, departmentScoped: true });

/**
 * The authorization matrix: every HTTP route the gateway serves (`METHOD /full/express/path`) and
 * who may call it. apps/gateway/test/authorization-matrix.test.ts reads the routes from the
 * express router of the real app and fails for a route missing here (or listed here and gone),
 * then calls each with every role, no token, an expired and a forged token, and the tokens of a
 * disabled and of a demoted account (401 on every staff route), and checks the answers.
 */
export const ROUTE_ACCESS: Record<string, Access> = {
  // Operations and pages
  'GET /healthz': open,
  'GET /readyz': open,
  'GET /metrics': { kind: 'metrics-token' },
  'GET /admin/queues': { kind: 'console-session', permission: 'queues:manage' },
  'GET /': open,
  'GET /console{/*screen}': open,
  'GET /chat': open,
  'GET /livechat/agent': open,
  'GET /livechat/widget.js': open,
  'GET /api/v1/openapi.json': open,
  'GET /api/v1/docs': open,
  'GET /api/v1/docs/:asset': open,

  // Sign-in
  'POST /api/v1/auth/login': open,
  'GET /api/v1/auth/me': staff('cases:read'),
  'POST /api/v1/auth/session': { kind: 'any-staff' },
  'DELETE /api/v1/auth/session': open,

  // Livechat
  'POST /api/v1/livechat/sessions': open,
  'POST /api/v1/livechat/attachments': { kind: 'visitor' },
  'GET /api/v1/livechat/attachments/:id': { kind: 'visitor', permission: 'livechat:answer' },
  'GET /api/v1/livechat/conversations': staff('livechat:answer'),
  'GET /api/v1/livechat/conversations/:conversationId/messages': staff('livechat:answer'),

  // Intake adapters
  'POST /api/v1/hotline/calls': staff('hotline:log-call'),
  'POST /api/v1/postal/letters': staff('postal:upload'),
  'GET /api/v1/postal/letters': staff('postal:read'),
  'GET /api/v1/postal/letters/:id': staff('postal:read'),
  'GET /api/v1/postal/letters/:id/scan': staff('postal:read'),
  'GET /api/v1/postal/letters/:id/pages/:page/image': staff('postal:read'),
  'POST /api/v1/postal/letters/:id/confirm': staff('postal:verify'),
  'GET /api/v1/postal/letters/:id/receipt.pdf': staff('postal:read'),
  'POST /api/v1/postal/letters/:id/reject': staff('postal:verify'),

  // Cases: reads
  // Without cases:list (hotline operators, postal clerks): the cases they recorded, or one found by its number.
  'GET /api/v1/cases': staff('cases:read'),
  'GET /api/v1/cases/:caseNumber': ofCase('cases:read'),
  'GET /api/v1/cases/:caseNumber/journal': ofCase('cases:read'),
  'GET /api/v1/cases/:caseNumber/journal.pdf': ofCase('cases:read'),
  'GET /api/v1/cases/:caseNumber/journal.csv': ofCase('cases:read'),
  // Reports (supervisors and admins)
  'GET /api/v1/reports': staff('reports:read'),
  'GET /api/v1/reports/:table.csv': staff('reports:read'),
  'GET /api/v1/cases/:caseNumber/emails': ofCase('cases:read'),
  'GET /api/v1/cases/:caseNumber/attachments/:attachmentId': ofCase('cases:read'),

  // Cases: the procedure's actions
  'POST /api/v1/cases/:caseNumber/verify': ofCase('cases:verify'),
  'POST /api/v1/cases/:caseNumber/claim': ofCase('cases:claim'),
  'POST /api/v1/cases/:caseNumber/release': ofCase('cases:claim'),
  'POST /api/v1/cases/:caseNumber/assign': ofCase('cases:assign'),
  'POST /api/v1/cases/:caseNumber/notes': ofCase('cases:note'),
  'POST /api/v1/cases/:caseNumber/collaborators': ofCase('cases:collaborate'),
  'POST /api/v1/cases/:caseNumber/transfer': ofCase('cases:transfer'),
  'POST /api/v1/cases/:caseNumber/escalate': ofCase('cases:escalate'),
  'POST /api/v1/cases/:caseNumber/report': ofCase('cases:report'),
  'POST /api/v1/cases/:caseNumber/answer': ofCase('cases:draft'),
  'POST /api/v1/cases/:caseNumber/answer/approve': ofCase('cases:approve'),
  'POST /api/v1/cases/:caseNumber/answer/return': ofCase('cases:approve'),
  'POST /api/v1/cases/:caseNumber/deliver': ofCase('cases:deliver'),
  'POST /api/v1/cases/:caseNumber/resolve-on-contact': ofCase('cases:resolve-on-contact'),
  'POST /api/v1/cases/:caseNumber/close': ofCase('cases:close'),
  'POST /api/v1/cases/:caseNumber/reopen': ofCase('cases:reopen'),
  'POST /api/v1/cases/:caseNumber/deliver-again': ofCase('cases:deliver'),
  'PATCH /api/v1/cases/:caseNumber/classification': ofCase('cases:classify'),
  'POST /api/v1/cases/:caseNumber/extensions': ofCase('deadlines:extend'),
  'POST /api/v1/cases/:caseNumber/replies': ofCase('cases:reply'),
  'POST /api/v1/cases/:caseNumber/reply-address': ofCase('cases:reply'),
  'POST /api/v1/cases/:caseNumber/merge': ofCase('cases:merge'),
  'GET /api/v1/cases/:caseNumber/possible-duplicates': ofCase('cases:merge'),
  'POST /api/v1/cases/:caseNumber/notes/attachments': ofCase('cases:note'),
  'GET /api/v1/cases/:caseNumber/notes/attachments/:attachmentId': ofCase('cases:read'),
  'GET /api/v1/staff/me/availability': staff('assignment:availability'),
  'PUT /api/v1/staff/me/availability': staff('assignment:availability'),

  // Step 4: answers and their delivery
  'GET /api/v1/cases/:caseNumber/answer/template': ofCase('cases:draft'),
  'GET /api/v1/cases/:caseNumber/answer/letter.pdf': ofCase('cases:read'),
  'GET /api/v1/callbacks': staff('callbacks:handle'),
  'GET /api/v1/deliveries/failed': staff('cases:deliver'),
  'POST /api/v1/cases/:caseNumber/callback-outcome': ofCase('callbacks:handle'),
  'GET /api/v1/postal/outgoing': staff('postal:mail'),
  'POST /api/v1/cases/:caseNumber/mailed': ofCase('postal:mail'),

  // Step 5: the satisfaction survey (the token in the link is the customer's credential)
  'GET /survey/:token': open,
  'GET /api/v1/surveys/:token': { kind: 'customer' },
  'POST /api/v1/surveys/:token': { kind: 'customer' },
  'GET /api/v1/cases/:caseNumber/survey-link': ofCase('cases:read'),

  // Administration (admins only) and the lists every role reads
  'GET /api/v1/root-causes': staff('cases:read'),
  'GET /api/v1/admin/staff': staff('staff:manage'),
  'POST /api/v1/admin/staff': staff('staff:manage'),
  'PATCH /api/v1/admin/staff/:id': staff('staff:manage'),
  'POST /api/v1/admin/staff/:id/disable': staff('staff:manage'),
  'POST /api/v1/admin/staff/:id/enable': staff('staff:manage'),
  'POST /api/v1/admin/staff/:id/password': staff('staff:manage'),
  'GET /api/v1/admin/departments': staff('departments:manage'),
  'PUT /api/v1/admin/departments/:department': staff('departments:manage'),
  'GET /api/v1/admin/root-causes': staff('root-causes:manage'),
  'POST /api/v1/admin/root-causes': staff('root-causes:manage'),
  'PATCH /api/v1/admin/root-causes/:code': staff('root-causes:manage'),
  'GET /api/v1/admin/webhooks': staff('webhooks:manage'),
  'POST /api/v1/admin/webhooks': staff('webhooks:manage'),
  'GET /api/v1/admin/webhooks/deliveries': staff('webhooks:manage'),
  'GET /api/v1/admin/webhooks/deliveries/:id': staff('webhooks:manage'),
  'POST /api/v1/admin/webhooks/deliveries/:id/resend': staff('webhooks:manage'),
  'GET /api/v1/admin/webhooks/:id': staff('webhooks:manage'),
  'PATCH /api/v1/admin/webhooks/:id': staff('webhooks:manage'),
  'POST /api/v1/admin/webhooks/:id/secret': staff('webhooks:manage'),

  // Calendar
  'GET /api/v1/calendar/deadline': staff('cases:read'),
  'GET /api/v1/calendar/schedules': staff('cases:read'),
  'POST /api/v1/calendar/schedules': staff('calendar:manage'),
};

/**
 * Socket.io: who may connect to each namespace and send each event. Every event of a namespace is
 * checked against the same principal as the connection (the staff namespaces re-verify the token
 * on every event), so the matrix is the connection's.
 */
export const SOCKET_ACCESS = {
  [LIVECHAT_NAMESPACES.visitor]: {
    connect: { kind: 'visitor' },
    events: [
      LIVECHAT_EVENTS.send,
      LIVECHAT_EVENTS.requestSync,
      LIVECHAT_EVENTS.typing,
      LIVECHAT_EVENTS.requestTranscript,
      LIVECHAT_EVENTS.end,
    ],
  },
  [LIVECHAT_NAMESPACES.staff]: {
    connect: { kind: 'staff', permission: 'livechat:answer' },
    events: [
      LIVECHAT_EVENTS.listConversations,
      LIVECHAT_EVENTS.openConversation,
      LIVECHAT_EVENTS.send,
      LIVECHAT_EVENTS.typing,
      LIVECHAT_EVENTS.end,
    ],
  },
  [CASE_EVENTS_NAMESPACE]: {
    connect: { kind: 'staff', permission: 'cases:read' },
    /**
     * Server → client only (live case updates); any event a client sends re-checks its token. Each
     * socket gets the events of the cases its HTTP case list would hold (http/case-list-scope.ts).
     */
    events: [],
  },
} as const satisfies Record<string, { connect: Access; events: readonly string[] }>;

/** The staff roles an access lets in (a visitor, session or metrics token aside). */
export function rolesAllowed(access: Access): StaffRole[] {
  switch (access.kind) {
    case 'public':
    case 'any-staff':
      return [...STAFF_ROLES];
    case 'staff':
    case 'console-session':
      return STAFF_ROLES.filter((role) => hasPermission(role, access.permission));
    case 'visitor':
      return access.permission ? STAFF_ROLES.filter((role) => hasPermission(role, access.permission!)) : [];
    case 'metrics-token':
    case 'customer':
      return [];
  }
}

export const routeKey = (method: string, path: string): string => `${method.toUpperCase()} ${path}`;
