import { OFFICIAL_SCHEDULES, WorkingDayCalendar, type OfficialSchedule } from '@cg/calendar';
import { refreshEvery, type Periodic } from '../runtime/periodic';

/**
 * Keeps a WorkingDayCalendar built from the shipped schedules plus those admins loaded into
 * MongoDB, reloaded every `refreshMs` so every process picks up a new schedule within that time.
 * A failed reload keeps the previous calendar (deadlines never stop being computed).
 */
export class CalendarProvider {
  private calendar = new WorkingDayCalendar(OFFICIAL_SCHEDULES);
  private periodic?: Periodic;

  constructor(
    private readonly loadStored: () => Promise<OfficialSchedule[]>,
    private readonly onError: (err: Error) => void = () => undefined,
  ) {}

  current = (): WorkingDayCalendar => this.calendar;

  async refresh(): Promise<void> {
    const stored = await this.loadStored();
    this.calendar = new WorkingDayCalendar([...OFFICIAL_SCHEDULES, ...stored]);
  }

  /** Loads once (a failure here stops the start), then reloads every `refreshMs` in the background. */
  async start(refreshMs: number): Promise<void> {
    this.periodic = await refreshEvery(refreshMs, () => this.refresh(), this.onError);
  }

  async stop(): Promise<void> {
    await this.periodic?.stop();
  }
}
