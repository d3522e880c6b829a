import { useEffect, useState } from 'react';
import { parseHash, type Route } from '../../shared/routes.ts';

/** The current route, following the URL fragment (links, the back button, a notification click). */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const on = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

export function go(hash: string): void {
  if (window.location.hash !== hash) window.location.hash = hash;
}

/** Changes the fragment without a history entry (typing in the search box). */
export function replaceHash(hash: string): void {
  if (window.location.hash === hash) return;
  window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}${hash}`);
}
