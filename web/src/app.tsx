/** The dashboard shell: landmarks, navigation, and the view for the current hash route. */
import { useEffect, useRef } from 'preact/hooks';
import { useRoute } from './router.js';
import { HitDetail } from './views/HitDetail.js';
import { Hits } from './views/Hits.js';
import { Overview } from './views/Overview.js';
import { Own } from './views/Own.js';
import { Rules } from './views/Rules.js';

const NAV: [string, string][] = [
  ['/', 'Overview'],
  ['/hits', 'Hits'],
  ['/rules', 'Rules'],
  ['/own', 'Own domains'],
];

export function App() {
  const route = useRoute();
  const main = useRef<HTMLElement>(null);
  const detail = /^\/hits\/(\d+)$/.exec(route.path);
  const section = detail ? '/hits' : route.path;
  const title = NAV.find(([p]) => p === section)?.[1] ?? 'Not found';

  // A route change is a new page for keyboard and screen-reader users: title, focus to main.
  const first = useRef(true);
  useEffect(() => {
    document.title = `${detail ? `Hit ${detail[1]}` : title} · ctwatch`;
    if (first.current) first.current = false;
    else main.current?.focus();
  }, [route.path]);

  let view;
  if (detail) view = <HitDetail id={Number(detail[1])} />;
  else if (route.path === '/') view = <Overview />;
  else if (route.path === '/hits') view = <Hits route={route} />;
  else if (route.path === '/rules') view = <Rules />;
  else if (route.path === '/own') view = <Own />;
  else
    view = (
      <>
        <h1>Not found</h1>
        <p>
          There is no such page. <a href="#/">Back to the overview</a>.
        </p>
      </>
    );

  return (
    <>
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), main.current?.focus())}>
        Skip to content
      </a>
      <header class="top">
        <a class="brandmark" href="#/" aria-label="ctwatch overview">
          <svg viewBox="0 0 32 32" aria-hidden="true">
            <circle cx="14" cy="14" r="9" fill="none" stroke="currentColor" stroke-width="3" />
            <path d="M21 21l7 7" stroke="currentColor" stroke-width="3" stroke-linecap="round" />
          </svg>
          ctwatch
        </a>
        <nav aria-label="Main">
          <ul>
            {NAV.map(([p, label]) => (
              <li key={p}>
                <a href={'#' + p} aria-current={section === p ? 'page' : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {view}
      </main>
      <footer class="foot">
        <p>Names from certificates are shown defanged (dots as [.]) and never as links. Times are UTC.</p>
      </footer>
    </>
  );
}
