import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { hasPermission, type Permission } from '@cg/core/permissions';
import type { ApiClient } from '../api/client';
import type { Session } from './session';

/** What every screen needs: the API client and who is signed in. */
export interface ConsoleContext {
  api: ApiClient;
  session: Session;
  can: (permission: Permission) => boolean;
}

export const Console = createContext<ConsoleContext | null>(null);

export function useConsole(): ConsoleContext {
  const ctx = useContext(Console);
  if (!ctx) throw new Error('useConsole() outside the signed-in console');
  return ctx;
}

export function permissionsOf(session: Session): (permission: Permission) => boolean {
  return (permission) => hasPermission(session.staff.role, permission);
}
