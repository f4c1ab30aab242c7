import { OFFICIAL_SCHEDULES, WorkingDayCalendar, type OfficialSchedule } from '@cg/calendar';

/**
 * Keeps a WorkingDayCalendar built from the shipped schedules plus those admins loaded into
 * MongoDB, reloaded every `refreshMs` so every process picks up a new schedule within that time.
 * A failed reload keeps the previous calendar (deadlines never stop being computed).
 */
export class CalendarProvider {
  private calendar = new WorkingDayCalendar(OFFICIAL_SCHEDULES);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly loadStored: () => Promise<OfficialSchedule[]>,
    private readonly onError: (err: Error) => void = () => undefined,
  ) {}

  current = (): WorkingDayCalendar => this.calendar;

  async refresh(): Promise<void> {
    const stored = await this.loadStored();
    this.calendar = new WorkingDayCalendar([...OFFICIAL_SCHEDULES, ...stored]);
  }

  async start(refreshMs: number): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => this.refresh().catch(this.onError), refreshMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
