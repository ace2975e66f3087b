import { useRef, useState } from 'react';
import type { Activity as Action } from './api';
import { useActivityChannel } from './api/react';

/** How many recent actions the panel keeps. */
const KEEP = 10;

/**
 * What people do right now, pushed over the WebSocket by the public
 * `activity` channel: who added, finished, reopened or deleted a todo (never
 * a title, which is private). Starts empty: a channel has no history.
 */
export function Activity() {
  const [recent, setRecent] = useState<(Action & { key: number })[]>([]);
  const next = useRef(0);
  const channel = useActivityChannel((a) => setRecent((r) => [{ ...a, key: next.current++ }, ...r].slice(0, KEEP)));
  return (
    <section aria-labelledby="activity-heading">
      <h2 id="activity-heading">Live activity</h2>
      {channel.error && <p className="form-error">{channel.error.message}</p>}
      <ul data-testid="activity">
        {recent.map((a) => (
          <li key={a.key}>
            {a.username} {a.action} a todo
          </li>
        ))}
      </ul>
      {recent.length === 0 && <p className="muted">Nothing yet: add or finish a todo in another browser.</p>}
    </section>
  );
}
