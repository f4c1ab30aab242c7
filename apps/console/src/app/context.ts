import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { CaseAction, CaseStatus } from '@cg/contracts';
import { isAllowed, mayFire } from '@cg/core/case-state-machine';
import { hasPermission, type Permission } from '@cg/core/permissions';
import type { ApiClient } from '../api/client';
import type { Session } from './session';

/** What every screen needs: the API client and who is signed in. */
export interface ConsoleContext {
  api: ApiClient;
  session: Session;
  can: (permission: Permission) => boolean;
  /** The case state machine's answer: this action, by this member of staff, on a case in this state. */
  canAct: (status: CaseStatus, action: CaseAction) => boolean;
}

export const Console = createContext<ConsoleContext | null>(null);

export function useConsole(): ConsoleContext {
  const ctx = useContext(Console);
  if (!ctx) throw new Error('useConsole() outside the signed-in console');
  return ctx;
}

export function rightsOf(session: Session): Pick<ConsoleContext, 'can' | 'canAct'> {
  const { staffId, name, role, department, email } = session.staff;
  const actor = { kind: 'staff', id: staffId, name, role, email, ...(department ? { department } : {}) } as const;
  return {
    can: (permission) => hasPermission(role, permission),
    canAct: (status, action) => isAllowed(status, action) && mayFire(actor, action),
  };
}
