import { DEFAULT_DEPARTMENT_SETTINGS, type DepartmentSettings, type WebhookEventType } from '@cg/contracts';
import { GenerationCache, type GenerationCounter } from '@cg/core';
import type { DepartmentSettingsRepository } from './department-settings';
import type { WebhookEndpointRepository } from './webhook-endpoints';

// Read on every case change by the gateways and the workers, written by admins now and then:
// each process keeps a copy, re-read when a writer bumps the generation (GenerationCache). On
// FerretDB each of these reads was a query per case, as many as the case inserts (issue 12).

/** The departments' settings as the auto-assign path reads them; `changed()` after every write. */
export class CachedDepartmentSettings {
  private readonly cache: GenerationCache<Map<string, DepartmentSettings>>;

  constructor(repository: Pick<DepartmentSettingsRepository, 'saved'>, counter: GenerationCounter, prefix: string) {
    this.cache = new GenerationCache(counter, `${prefix}:generation:department-settings`, () => repository.saved());
  }

  async settingsOf(department: string): Promise<DepartmentSettings> {
    return (await this.cache.get()).get(department) ?? { ...DEFAULT_DEPARTMENT_SETTINGS };
  }

  changed(): Promise<void> {
    return this.cache.changed();
  }
}

/** Which event types an enabled webhook endpoint takes; `changed()` after every endpoint write. */
export class CachedWebhookSubscriptions {
  private readonly cache: GenerationCache<Set<WebhookEventType>>;

  constructor(repository: Pick<WebhookEndpointRepository, 'enabledEventTypes'>, counter: GenerationCounter, prefix: string) {
    this.cache = new GenerationCache(counter, `${prefix}:generation:webhook-endpoints`, () => repository.enabledEventTypes());
  }

  async anyEnabledFor(types: readonly WebhookEventType[]): Promise<boolean> {
    const taken = await this.cache.get();
    return types.some((t) => taken.has(t));
  }

  changed(): Promise<void> {
    return this.cache.changed();
  }
}
