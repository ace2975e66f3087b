import type { Client } from '@mizan/base';
import { el } from './dom.js';
import { panelStyle } from './panelStyle.js';
import {
  contextsSignature,
  contextsView,
  invalidationsView,
  requestsView,
  socketView,
  tabs,
  warningsView,
  type Tab,
} from './panelViews.js';
import type { Recorder } from './recorder.js';

/** The attribute that marks the panel's host element (and, in tests, a bundle that carries the panel). */
export const hostAttribute = 'data-mizan-devtools';

/** How often an open panel reads `client.cache` (the cache has no change event). */
const refreshMs = 250;

/**
 * Mounts the panel: a Shadow DOM host appended to `target`, collapsed to a
 * toggle button in the bottom right corner. Open, it redraws the current tab
 * after records and every 250 ms, and only when what it shows changed.
 *
 * @returns the function that removes the host and stops the timer and listener
 */
export function mountPanel(client: Client, recorder: Recorder, target: HTMLElement): () => void {
  // A tag of its own, so the page's element rules (`div { … }`) miss the host.
  const host = document.createElement('mizan-devtools');
  host.setAttribute(hostAttribute, '');
  const root = host.attachShadow({ mode: 'open' });
  const toggle = el('button', { class: 'toggle', type: 'button', 'aria-expanded': 'false', text: 'Mizan' });
  const tabButtons = tabs.map((t) => el('button', { type: 'button', role: 'tab', 'data-tab': t, text: t }));
  const body = el('div', { class: 'body', role: 'tabpanel' });
  const panel = el('div', { class: 'panel', hidden: true }, el('div', { class: 'tabs', role: 'tablist' }, ...tabButtons), body);
  root.append(el('style', { text: panelStyle }), el('div', { class: 'root' }, panel, toggle));

  const expanded = new Set<string>();
  let tab: Tab = 'Contexts';
  let open = false;
  let interval: ReturnType<typeof setInterval> | undefined;
  let drawn: unknown[] = [];

  const counts = (): Record<Tab, number> => ({
    Contexts: client.cache.size,
    Invalidations: recorder.invalidations.length,
    WebSocket: recorder.socket.frames.length,
    Warnings: recorder.warnings.length,
    Requests: recorder.requests.length,
  });
  const draw = (force = false): void => {
    if (!open) return;
    const sig = tab == 'Contexts' ? contextsSignature(client) : [recorder.version];
    sig.unshift(tab);
    if (!force && sig.length == drawn.length && sig.every((v, i) => v === drawn[i])) return;
    drawn = sig;
    const n = counts();
    tabButtons.forEach((b, i) => {
      const t = tabs[i]!;
      b.textContent = `${t} (${n[t]})`;
      b.setAttribute('aria-selected', String(t == tab));
    });
    const view =
      tab == 'Contexts'
        ? contextsView(client, expanded)
        : tab == 'Invalidations'
          ? invalidationsView(recorder)
          : tab == 'WebSocket'
            ? socketView(recorder)
            : tab == 'Warnings'
              ? warningsView(recorder)
              : requestsView(recorder);
    body.replaceChildren(view);
  };

  toggle.addEventListener('click', () => {
    open = !open;
    toggle.setAttribute('aria-expanded', String(open));
    toggle.textContent = open ? 'Close Mizan' : 'Mizan';
    panel.hidden = !open;
    clearInterval(interval);
    // Closed, the panel costs nothing: no timer, no drawing.
    if (open) interval = setInterval(draw, refreshMs);
    draw(true);
  });
  tabButtons.forEach((b, i) =>
    b.addEventListener('click', () => {
      tab = tabs[i]!;
      draw(true);
    }),
  );
  // A burst of records (a reconnect's refetches, many frames) draws once.
  let queued = false;
  const stop = recorder.subscribe(() => {
    if (queued || !open) return;
    queued = true;
    queueMicrotask(() => {
      queued = false;
      draw();
    });
  });

  target.append(host);
  return () => {
    stop();
    clearInterval(interval);
    host.remove();
  };
}
