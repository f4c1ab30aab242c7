import { useEffect, useState } from 'preact/hooks';
import { filtersFromSearch, filtersToSearch, isWorkList, type CaseFilters, type WorkListId } from '../features/queues/work-lists';

/**
 * Screens and their URLs under /console/ (the gateway answers every /console/* path with the
 * console page). History API, no router library: four screens do not need one. The case list
 * shown beside a case is in the query string: a work list (`?list=my-queue`) or filters
 * (`?status=routed&sort=deadline`); neither means the role's home list.
 */
export type Route =
  | { screen: 'cases'; caseNumber?: string; list?: WorkListId; filters?: CaseFilters }
  | { screen: 'hotline' }
  | { screen: 'deadline' }
  | { screen: 'livechat' }
  | { screen: 'admin' }
  | { screen: 'postal'; letterId?: string }
  | { screen: 'reports' };

export const CONSOLE_BASE = '/console/';

export function parseRoute(pathname: string, search = ''): Route {
  const rest = pathname.startsWith(CONSOLE_BASE) ? pathname.slice(CONSOLE_BASE.length) : '';
  const [first, second] = rest.split('/').filter(Boolean);
  if (first === 'cases' || !first) {
    const params = new URLSearchParams(search);
    const list = params.get('list');
    const filters = isWorkList(list) ? undefined : filtersFromSearch(params);
    return {
      screen: 'cases',
      ...(first === 'cases' && second ? { caseNumber: decodeURIComponent(second) } : {}),
      ...(isWorkList(list) ? { list } : {}),
      ...(filters ? { filters } : {}),
    };
  }
  if (first === 'hotline') return { screen: 'hotline' };
  if (first === 'deadline') return { screen: 'deadline' };
  if (first === 'livechat') return { screen: 'livechat' };
  if (first === 'admin') return { screen: 'admin' };
  if (first === 'reports') return { screen: 'reports' };
  if (first === 'postal') return { screen: 'postal', ...(second ? { letterId: decodeURIComponent(second) } : {}) };
  return { screen: 'cases' };
}

export function routeHref(route: Route): string {
  switch (route.screen) {
    case 'cases': {
      const path = route.caseNumber ? `${CONSOLE_BASE}cases/${encodeURIComponent(route.caseNumber)}` : CONSOLE_BASE;
      const search = route.list ? new URLSearchParams({ list: route.list }) : route.filters ? filtersToSearch(route.filters) : undefined;
      return search && search.size ? `${path}?${search.toString()}` : path;
    }
    case 'postal':
      return `${CONSOLE_BASE}postal${route.letterId ? `/${encodeURIComponent(route.letterId)}` : ''}`;
    default:
      return `${CONSOLE_BASE}${route.screen}`;
  }
}

const listeners = new Set<() => void>();

export function navigate(route: Route, opts: { replace?: boolean } = {}): void {
  const href = routeHref(route);
  if (href !== location.pathname + location.search) {
    if (opts.replace) history.replaceState(null, '', href);
    else history.pushState(null, '', href);
  }
  listeners.forEach((l) => l());
}

/** The current route; re-renders on navigate() and on the browser's back and forward. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname, location.search));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.pathname, location.search));
    listeners.add(update);
    addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      removeEventListener('popstate', update);
    };
  }, []);
  return route;
}

/** Ordinary clicks on a console link navigate in place; modified clicks (new tab) go to the browser. */
export function onLinkClick(route: Route) {
  return (ev: MouseEvent): void => {
    if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    ev.preventDefault();
    navigate(route);
  };
}
