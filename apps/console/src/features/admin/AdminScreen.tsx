import { useCallback, useEffect, useState } from 'preact/hooks';
import type { WebhookEndpointView } from '@cg/contracts';
import { useConsole } from '../../app/context';
import { CalendarSchedules } from './CalendarSchedules';
import { Departments } from './Departments';
import { RootCauses } from './RootCauses';
import { StaffAccounts } from './StaffAccounts';
import { WebhookNotice, Webhooks } from './Webhooks';

const SECTIONS = [
  { id: 'staff', label: 'Staff accounts', permission: 'staff:manage' },
  { id: 'departments', label: 'Departments', permission: 'departments:manage' },
  { id: 'root-causes', label: 'Root causes', permission: 'root-causes:manage' },
  { id: 'calendar', label: 'Calendar schedules', permission: 'calendar:manage' },
  { id: 'webhooks', label: 'Webhooks', permission: 'webhooks:manage' },
] as const;
type SectionId = (typeof SECTIONS)[number]['id'];

/** The admin's screen: staff accounts, department settings, the root-cause list, holiday schedules. */
export function AdminScreen() {
  const ctx = useConsole();
  const sections = SECTIONS.filter((s) => ctx.can(s.permission));
  const [section, setSection] = useState<SectionId>(sections[0]?.id ?? 'staff');
  // Webhook endpoints the system disabled (deliveries kept failing): told on every section.
  const [disabledHooks, setDisabledHooks] = useState<WebhookEndpointView[]>([]);
  const canHooks = ctx.can('webhooks:manage');
  const readHooks = useCallback(() => {
    if (!canHooks) return;
    ctx.api.admin.webhooks.endpoints().then(
      (a) => setDisabledHooks(a.needingAttention),
      () => undefined,
    );
  }, [canHooks]);
  useEffect(readHooks, [readHooks]);
  return (
    <div class="admin">
      <div role="group" aria-label="Administration" class="row">
        {sections.map((s) => (
          <button key={s.id} id={`admin-${s.id}`} type="button" aria-pressed={section === s.id} onClick={() => setSection(s.id)}>
            {s.label}
          </button>
        ))}
      </div>
      {section !== 'webhooks' && <WebhookNotice endpoints={disabledHooks} />}
      {section === 'staff' ? (
        <StaffAccounts />
      ) : section === 'departments' ? (
        <Departments />
      ) : section === 'root-causes' ? (
        <RootCauses />
      ) : section === 'webhooks' ? (
        <Webhooks onChanged={readHooks} />
      ) : (
        <CalendarSchedules />
      )}
    </div>
  );
}
