import { useStats } from './api/react';

/** `1 note`, `2 notes`. */
const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** The public `stats` context, the same for everyone. */
export function PublicCount() {
  const stats = useStats().data?.public_stats;
  return (
    <p data-testid="public-count" className="muted">
      {stats ? `${count(stats.notes, 'note')} by ${count(stats.users, 'user')}` : 'Loading…'}
    </p>
  );
}
