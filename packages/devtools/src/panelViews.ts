import type { CacheEntry, Client } from '@mizan/base';
import { clock, el, table } from './dom.js';
import type { Recorder } from './recorder.js';

/** The panel's tabs, in order. */
export const tabs = ['Contexts', 'Invalidations', 'WebSocket', 'Warnings', 'Requests'] as const;
export type Tab = (typeof tabs)[number];

// Data may hold what JSON cannot say (a BigInt from setData, a cycle).
const pretty = (data: unknown): string => {
  try {
    return JSON.stringify(data, null, 2) ?? String(data);
  } catch (e) {
    return `(not JSON: ${e instanceof Error ? e.message : String(e)})`;
  }
};

const newestFirst = <T>(list: readonly T[]): T[] => [...list].reverse();

/** The key, with the data as pretty JSON once expanded (remembered in `expanded` across redraws). */
function keyCell(e: CacheEntry, expanded: Set<string>): HTMLElement {
  const details = el('details', { open: expanded.has(e.key) }, el('summary', { text: e.key }));
  // Built only while open: a large cache must not be stringified every 250 ms.
  const fill = (): void => {
    if (details.open && details.childElementCount == 1) details.append(el('pre', { text: pretty(e.state.data) }));
  };
  fill();
  details.addEventListener('toggle', () => {
    if (details.open) expanded.add(e.key);
    else expanded.delete(e.key);
    fill();
  });
  return details;
}

/** Every cache entry: key (data on expand), status, fetching, observers, last update, stale, error. */
export function contextsView(client: Client, expanded: Set<string>): HTMLElement {
  const rows = [...client.cache.values()].map((e) => {
    const { status, isFetching, updatedAt, error } = e.state;
    return [
      keyCell(e, expanded),
      el('span', { class: status, text: status }),
      isFetching ? 'fetching' : '',
      String(e.subs.size),
      updatedAt ? clock(updatedAt) : '—',
      e.stale ? 'stale' : '',
      error ? el('span', { class: 'error', text: `${error.code} (${error.status}): ${error.message}` }) : '',
    ];
  });
  const head = ['Key', 'Status', 'Fetching', 'Observers', 'Updated', 'Stale', 'Error'];
  return table(head, rows, 'No context in the cache.', [0, 6]);
}

/**
 * What the contexts view shows, to compare between redraws: entries' states
 * are immutable objects, so the same objects mean the same rows.
 */
export function contextsSignature(client: Client): unknown[] {
  const sig: unknown[] = [];
  client.cache.forEach((e) => sig.push(e.key, e.state, e.subs.size, e.stale));
  return sig;
}

/** Newest first: time, source, targets. */
export const invalidationsView = (r: Recorder): HTMLElement =>
  table(
    ['Time', 'Source', 'Targets'],
    newestFirst(r.invalidations).map((i) => [clock(i.time), el('span', { class: 'source', text: i.source }), i.targets.join(', ')]),
    'No invalidation yet.',
  );

/** State (with the last close code), reconnects, and recent frames newest first. */
export function socketView(r: Recorder): HTMLElement {
  const { state, code, reconnects, frames } = r.socket;
  const line = el(
    'p',
    {},
    'State: ',
    el('span', { class: `state ${state}`, text: code === undefined ? state : `${state} (code ${code})` }),
    ` · reconnects: ${reconnects}`,
  );
  const rows = newestFirst(frames).map((f) => [clock(f.time), f.direction == 'in' ? '↓ in' : '↑ out', f.data]);
  return el('div', {}, line, table(['Time', 'Dir', 'Frame'], rows, 'No frame yet.'));
}

/** Each warning once, newest first. */
export const warningsView = (r: Recorder): HTMLElement =>
  table(
    ['Time', 'Kind', 'Warning'],
    newestFirst(r.warnings).map((w) => [clock(w.time), w.kind, el('span', { class: 'warn', text: w.text })]),
    'No warning. (The server sends its missed-invalidation warnings with MIZAN_DEBUG=1.)',
  );

/** Newest first: time, method, path, status, duration, warnings. */
export const requestsView = (r: Recorder): HTMLElement =>
  table(
    ['Time', 'Method', 'Path', 'Status', 'ms', 'Warnings'],
    newestFirst(r.requests).map((q) => [
      clock(q.time),
      q.method,
      q.path,
      el('span', { class: q.status >= 400 || q.status == 0 ? 'error' : 'success', text: q.status ? String(q.status) : (q.error ?? 'failed') }),
      String(Math.round(q.duration)),
      el('span', { class: 'warn', text: q.warnings.join('\n') }),
    ]),
    'No request yet.',
  );
