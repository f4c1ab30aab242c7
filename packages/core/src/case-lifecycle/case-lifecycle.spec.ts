import { createDefaultCalendar } from '@cg/calendar';
import { DeadlinePlanner, type CaseDeadlines } from '../deadlines/case-deadlines';
import { newCaseDefaults, type CaseActor, type CaseData, type StoredCase } from './case-data';
import { CaseConflict, CaseLockUnavailable, CaseNotFound } from './case-errors';
import { CaseLifecycle, type CaseLease, type CaseLock, type CaseStore, type CaseUpdate } from './case-lifecycle';

/** The lifecycle's retry and error rules with an in-memory store and lock (the real ones are tested on Redis and FerretDB). */
const deadlines: CaseDeadlines = {
  target: { dueAt: new Date('2026-03-09T17:00:00Z'), dueDate: '2026-03-09', workingDays: 5 },
  cap: { dueAt: new Date('2026-03-30T17:00:00Z'), dueDate: '2026-03-30', length: 20, unit: 'working_days' },
  policy: { targetWorkingDays: 5, capLength: 20, capUnit: 'working_days' },
  explanation: { receivedLocal: '', countingStartsOn: '', skipped: [], makeupWorkingDays: [], provisional: false, notes: [] },
  extensions: [],
};

function memoryStore(c: StoredCase): CaseStore & { doc: StoredCase; writes: number } {
  const store = {
    doc: c,
    writes: 0,
    findByCaseNumber: (n: string) => Promise.resolve(n === store.doc.caseNumber ? structuredClone(store.doc) : null),
    insertIfAbsent: () => Promise.resolve({ record: store.doc, created: false }),
    updateIfVersion: (_n: string, v: number, u: CaseUpdate): Promise<StoredCase | null> => {
      if (store.doc.version !== v) return Promise.resolve(null);
      store.writes++;
      const next = { ...store.doc, ...u.set, journal: [...store.doc.journal, ...u.pushJournal] } as StoredCase;
      for (const f of u.unset) delete (next as Partial<CaseData>)[f];
      store.doc = next;
      return Promise.resolve(structuredClone(next));
    },
  };
  return store;
}

const lease = (): CaseLease => ({ isHeld: () => true, release: () => Promise.resolve() });
const freeLock: CaseLock = { acquire: () => Promise.resolve(lease()) };
const staff: CaseActor = { kind: 'staff', id: 'd1', name: 'Staff', role: 'department_staff', department: 'hosting' };

function routedCase(): StoredCase {
  return {
    caseNumber: 'KN26-00001',
    channel: 'hotline',
    idempotencyKey: 'k',
    status: 'routed',
    department: 'hosting',
    priority: 'normal',
    customer: {},
    bodyText: 'x',
    attachments: [],
    receivedAt: new Date('2026-03-02T03:00:00Z'),
    rawRef: 'r',
    resolvedOnContact: false,
    classification: {
      department: 'hosting',
      bestGuess: 'hosting',
      confidence: 1,
      abstained: false,
      method: 'rules',
      evidence: [],
      classifiedAt: new Date(),
    },
    deadlines,
    searchText: '',
    journal: [],
    ...newCaseDefaults(),
    createdAt: new Date(),
    updatedAt: new Date(),
  };
}

describe('CaseLifecycle (in memory)', () => {
  it('writes once with the next version, journal entries with ids', async () => {
    const store = memoryStore(routedCase());
    const lifecycle = new CaseLifecycle({ store, lock: freeLock });
    const r = await lifecycle.claim('KN26-00001', staff);
    expect(r).toMatchObject({ changed: true, case: { status: 'in_progress', version: 1, owner: { id: 'd1' } } });
    expect(store.doc.journal[0]).toMatchObject({ type: 'claimed', id: expect.any(String) });
    // The same claim again: nothing written.
    expect((await lifecycle.claim('KN26-00001', staff)).changed).toBe(false);
    expect(store.writes).toBe(1);
  });

  it('an unknown case is CaseNotFound', async () => {
    const lifecycle = new CaseLifecycle({ store: memoryStore(routedCase()), lock: freeLock });
    await expect(lifecycle.note('KN26-99999', staff, { text: 'x' })).rejects.toBeInstanceOf(CaseNotFound);
  });

  it('a case that stays busy is CaseConflict; an unreachable lock is CaseLockUnavailable; neither writes', async () => {
    const store = memoryStore(routedCase());
    const busy = new CaseLifecycle({ store, lock: { acquire: () => Promise.resolve(null) } });
    await expect(busy.note('KN26-00001', staff, { text: 'x' })).rejects.toBeInstanceOf(CaseConflict);
    const down = new CaseLifecycle({ store, lock: { acquire: () => Promise.reject(new Error('Connection is closed.')) } });
    await expect(down.note('KN26-00001', staff, { text: 'x' })).rejects.toBeInstanceOf(CaseLockUnavailable);
    expect(store.writes).toBe(0);
  });

  it('does not write once its lease may have run out, and gives up after maxAttempts', async () => {
    const store = memoryStore(routedCase());
    let acquired = 0;
    const expiring: CaseLock = {
      acquire: () => {
        acquired++;
        return Promise.resolve({ isHeld: () => false, release: () => Promise.resolve() });
      },
    };
    const lifecycle = new CaseLifecycle({ store, lock: expiring, maxAttempts: 3 });
    await expect(lifecycle.note('KN26-00001', staff, { text: 'x' })).rejects.toBeInstanceOf(CaseConflict);
    expect(acquired).toBe(3);
    expect(store.writes).toBe(0);
  });

  it('when the version moved on, decides again on the fresh case (a claim then finds the new owner)', async () => {
    const store = memoryStore(routedCase());
    const original = store.updateIfVersion;
    let first = true;
    store.updateIfVersion = async (n, v, u) => {
      if (first) {
        first = false;
        // Someone else claimed it meanwhile (their write landed first).
        store.doc = { ...store.doc, status: 'in_progress', owner: { id: 'd2', name: 'Other' }, version: store.doc.version + 1 };
      }
      return original(n, v, u);
    };
    const lifecycle = new CaseLifecycle({ store, lock: freeLock });
    await expect(lifecycle.claim('KN26-00001', staff)).rejects.toMatchObject({ name: 'TransitionRefused', state: 'in_progress' });
    expect(store.doc.owner).toEqual({ id: 'd2', name: 'Other' });
  });

  it('an extension that committed but could not plan its checks, retried with its key, extends once and plans them', async () => {
    const memory = memoryStore(routedCase());
    // structuredClone hands back Dates of another realm than jest's; the calendar checks `instanceof Date`.
    const store: CaseStore & { doc: StoredCase } = {
      ...memory,
      get doc() {
        return memory.doc;
      },
      findByCaseNumber: async (n) => {
        const c = await memory.findByCaseNumber(n);
        return c && { ...c, receivedAt: new Date(c.receivedAt.getTime()) };
      },
    };
    const planned: string[] = [];
    let schedulerDown = true;
    const lifecycle = new CaseLifecycle({
      store,
      lock: freeLock,
      planner: new DeadlinePlanner(() => createDefaultCalendar(), deadlines.policy),
      onDeadlinesChanged: (_n, d) => {
        if (schedulerDown) return Promise.reject(new Error('Redis refused the delayed job'));
        planned.push(d.target.dueDate);
        return Promise.resolve();
      },
    });
    const supervisor: CaseActor = { kind: 'staff', id: 's1', name: 'Sup', role: 'supervisor', email: 'sup@example.vn' };
    const request = { extraWorkingDays: 3, reason: 'waiting for the registry', key: 'ext-1' };
    await expect(lifecycle.extend('KN26-00001', supervisor, request)).rejects.toThrow('Redis refused');
    const extendedTo = store.doc.deadlines.target.dueDate;
    expect(extendedTo).not.toBe(deadlines.target.dueDate); // committed before the scheduling failed

    schedulerDown = false;
    const retried = await lifecycle.extend('KN26-00001', supervisor, request);
    expect(retried.changed).toBe(false);
    expect(store.doc.deadlines.target.dueDate).toBe(extendedTo); // extended once, not twice
    expect(store.doc.journal.filter((j) => j.type === 'deadline_extended')).toHaveLength(1);
    expect(planned).toEqual([extendedTo]); // and its checks planned this time
  });
});
