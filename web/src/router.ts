/**
 * Hash routing (`#/hits?brand=Avito`, `#/hits/12`): the server only has to serve index.html at
 * `/`, and a reload or a shared link keeps the view and its filters.
 */
import { useEffect, useState } from 'preact/hooks';

export interface Route {
  /** "/", "/hits", "/hits/12", "/rules", "/own" */
  path: string;
  query: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const h = hash.replace(/^#/, '') || '/';
  const q = h.indexOf('?');
  return { path: q < 0 ? h : h.slice(0, q) || '/', query: new URLSearchParams(q < 0 ? '' : h.slice(q + 1)) };
}

/** The current route; re-renders on every hash change. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseHash(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

/** Builds "#/path?query" from a path and params (empty values left out). */
export function href(path: string, params: Record<string, string | undefined> = {}): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) p.set(k, v);
  const qs = p.toString();
  return '#' + path + (qs ? '?' + qs : '');
}

/** Replaces the current history entry (filter changes should not flood the back button). */
export function replaceRoute(path: string, params: Record<string, string | undefined> = {}): void {
  history.replaceState(null, '', href(path, params));
  dispatchEvent(new HashChangeEvent('hashchange'));
}
