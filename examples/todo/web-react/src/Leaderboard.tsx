import { useLeaderboard, useStats } from './api/react';

/** `1 user`, `2 users`. */
const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** Public data, the same for everyone signed in or not: the `limit` best and the totals. */
export function Leaderboard({ limit }: { limit: number }) {
  const board = useLeaderboard({ limit });
  const stats = useStats();
  return (
    <section aria-labelledby="leaderboard-heading">
      <h2 id="leaderboard-heading">Leaderboard</h2>
      <ol data-testid="leaderboard">
        {board.data?.leaderboard.map((row) => (
          <li key={row.username}>
            {row.username}: {row.done}
          </li>
        ))}
      </ol>
      {stats.data && (
        <p data-testid="public-stats" className="muted">
          {count(stats.data.public_stats.users, 'user')}, {count(stats.data.public_stats.todos, 'todo')}
        </p>
      )}
    </section>
  );
}
