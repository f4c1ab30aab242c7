import { useState } from 'preact/hooks';
import { useConsole } from '../../app/context';
import { CalendarSchedules } from './CalendarSchedules';
import { Departments } from './Departments';
import { RootCauses } from './RootCauses';
import { StaffAccounts } from './StaffAccounts';

const SECTIONS = [
  { id: 'staff', label: 'Staff accounts', permission: 'staff:manage' },
  { id: 'departments', label: 'Departments', permission: 'departments:manage' },
  { id: 'root-causes', label: 'Root causes', permission: 'root-causes:manage' },
  { id: 'calendar', label: 'Calendar schedules', permission: 'calendar:manage' },
] as const;
type SectionId = (typeof SECTIONS)[number]['id'];

/** The admin's screen: staff accounts, department settings, the root-cause list, holiday schedules. */
export function AdminScreen() {
  const ctx = useConsole();
  const sections = SECTIONS.filter((s) => ctx.can(s.permission));
  const [section, setSection] = useState<SectionId>(sections[0]?.id ?? 'staff');
  return (
    <div class="admin">
      <div role="group" aria-label="Administration" class="row">
        {sections.map((s) => (
          <button key={s.id} id={`admin-${s.id}`} type="button" aria-pressed={section === s.id} onClick={() => setSection(s.id)}>
            {s.label}
          </button>
        ))}
      </div>
      {section === 'staff' ? (
        <StaffAccounts />
      ) : section === 'departments' ? (
        <Departments />
      ) : section === 'root-causes' ? (
        <RootCauses />
      ) : (
        <CalendarSchedules />
      )}
    </div>
  );
}
