import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Permission } from '@cg/core/permissions';
import { createApiClient } from '../api/client';
import { CaseQueues } from '../features/queues/CaseQueues';
import { DeadlineCalculator } from '../features/deadline/DeadlineCalculator';
import { HotlineCall } from '../features/hotline/HotlineCall';
import { LivechatAgent } from '../features/livechat-agent/LivechatAgent';
import { PostalLetters } from '../features/postal/PostalLetters';
import { LazyReports } from '../features/reports/LazyReports';
import { disconnectAgentDesk, useAgentDesk } from '../features/livechat-agent/agent-desk';
import { connectCaseEvents, disconnectCaseEvents } from '../features/live-updates/case-events';
import { SignIn } from '../features/sign-in/SignIn';
import { AdminScreen } from '../features/admin/AdminScreen';
import { AvailabilitySwitch } from '../features/assignment/AvailabilitySwitch';
import { Console, rightsOf, useConsole, type ConsoleContext } from './context';
import { navigate, onLinkClick, routeHref, useRoute, type Route } from './router';
import { loadSession, saveSession, type Session } from './session';

interface Tab {
  route: Route;
  label: string;
  id: string;
  permission: Permission;
}

const TABS: Tab[] = [
  { route: { screen: 'cases' }, label: 'Cases', id: 'tab-cases', permission: 'cases:read' },
  { route: { screen: 'hotline' }, label: 'Log a hotline call', id: 'tab-call', permission: 'hotline:log-call' },
  { route: { screen: 'livechat' }, label: 'Livechat', id: 'tab-livechat', permission: 'livechat:answer' },
  { route: { screen: 'deadline' }, label: 'Deadline calculator', id: 'tab-deadline', permission: 'cases:read' },
  { route: { screen: 'admin' }, label: 'Administration', id: 'tab-admin', permission: 'staff:manage' },
  { route: { screen: 'postal' }, label: 'Postal letters', id: 'tab-postal', permission: 'postal:read' },
  { route: { screen: 'reports' }, label: 'Reports', id: 'tab-reports', permission: 'reports:read' },
];

/** The staff console: one sign-in, then the screens the signed-in role may use. */
export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const signOut = () => {
    disconnectAgentDesk();
    disconnectCaseEvents();
    saveSession(null);
    setSession(null);
  };
  const api = useMemo(() => createApiClient({ token: () => loadSession()?.token, onUnauthorized: signOut }), []);
  const ctx = useMemo<ConsoleContext | null>(() => (session ? { api, session, ...rightsOf(session) } : null), [api, session]);
  const route = useRoute();
  // Staff see new work without reloading: one live stream per signed-in session.
  useEffect(() => {
    if (session) connectCaseEvents(session.token, signOut);
  }, [session]);

  return (
    <>
      <header class="top">
        <h1>
          Tiếp nhận khiếu nại <small>complaint intake</small>
        </h1>
        {session && (
          <div id="who">
            <span id="who-name">
              {session.staff.name} ({session.staff.role}
              {session.staff.department ? `, ${session.staff.department}` : ''})
            </span>{' '}
            {ctx?.can('assignment:availability') && <AvailabilitySwitch api={api} />}{' '}
            <button id="logout" type="button" onClick={signOut}>
              Sign out
            </button>
          </div>
        )}
      </header>
      <main>
        {ctx ? (
          <Console.Provider value={ctx}>
            <Screens route={route} />
          </Console.Provider>
        ) : (
          <SignIn
            api={api}
            onSignedIn={(s) => {
              saveSession(s);
              setSession(s);
            }}
          />
        )}
      </main>
    </>
  );
}

function Screens({ route }: { route: Route }) {
  const ctx = useConsole();
  const tabs = TABS.filter((t) => ctx.can(t.permission));
  const allowed = tabs.some((t) => t.route.screen === route.screen);
  const unread = useAgentDesk((d) => d.unreadTotal(), 0);
  // A screen this role cannot use (a link, or the previous user's screen): go to its first one.
  const fallback = tabs[0]?.route;
  useEffect(() => {
    if (!allowed && fallback) navigate(fallback, { replace: true });
  }, [allowed, fallback]);
  const heading = useRef<HTMLDivElement>(null);
  // Keyboard and screen-reader users land on the new screen, not on the link they used.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) first.current = false;
    else heading.current?.focus();
  }, [route.screen]);

  return (
    <section id="app-view">
      <nav aria-label="Screens">
        {tabs.map((t) => (
          <a
            key={t.id}
            id={t.id}
            href={routeHref(t.route)}
            aria-current={t.route.screen === route.screen ? 'page' : undefined}
            onClick={onLinkClick(t.route)}
          >
            {t.label}
            {t.route.screen === 'livechat' && unread > 0 && (
              <span class="badge unread" aria-label={`${unread} unread`}>
                {unread}
              </span>
            )}
          </a>
        ))}
        {ctx.can('queues:manage') && (
          <a
            id="tab-admin-queues"
            href="/admin/queues"
            onClick={(e) => {
              // Bull Board is server-rendered: open a cookie session first, then go there.
              e.preventDefault();
              void ctx.api.openBrowserSession().then(() => window.location.assign('/admin/queues'));
            }}
          >
            Queues
          </a>
        )}
      </nav>
      <div ref={heading} tabIndex={-1} class="screen">
        {!allowed ? (
          <p class="error" role="alert">
            Your role cannot use this screen.
          </p>
        ) : route.screen === 'cases' ? (
          <CaseQueues route={route} />
        ) : route.screen === 'hotline' ? (
          <HotlineCall />
        ) : route.screen === 'deadline' ? (
          <DeadlineCalculator />
        ) : route.screen === 'admin' ? (
          <AdminScreen />
        ) : route.screen === 'reports' ? (
          <LazyReports />
        ) : route.screen === 'postal' ? (
          <PostalLetters route={route} />
        ) : (
          <LivechatAgent />
        )}
      </div>
    </section>
  );
}
