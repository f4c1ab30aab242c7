import { createDefaultCalendar } from '@cg/calendar';
import { firstDeadlineCheck, pendingDeadlineCheck } from './case-deadlines';

describe('pendingDeadlineCheck: the check an open case should have planned', () => {
  const calendar = createDefaultCalendar();
  const d = {
    target: { dueAt: new Date('2026-03-09T17:00:00Z'), dueDate: '2026-03-09' },
    cap: { dueAt: new Date('2026-03-30T17:00:00Z'), dueDate: '2026-03-30' },
  };

  it('follows the chain from what the case recorded for its current due dates', () => {
    expect(pendingDeadlineCheck(d, [], calendar)).toEqual(firstDeadlineCheck(d, calendar));
    expect(pendingDeadlineCheck(d, ['target_due_soon@2026-03-09'], calendar)).toMatchObject({
      kind: 'target_breached',
      dueDate: '2026-03-09',
    });
    expect(pendingDeadlineCheck(d, ['target_due_soon@2026-03-09', 'target_breached@2026-03-09'], calendar)).toMatchObject({
      kind: 'cap_breached',
      dueDate: '2026-03-30',
    });
    expect(pendingDeadlineCheck(d, ['target_breached@2026-03-09', 'cap_breached@2026-03-30'], calendar)).toBeUndefined();
  });

  it('ignores checks recorded for a target an extension replaced', () => {
    expect(pendingDeadlineCheck(d, ['target_due_soon@2026-03-02', 'target_breached@2026-03-02'], calendar)).toMatchObject({
      kind: 'target_due_soon',
      dueDate: '2026-03-09',
    });
  });
});
