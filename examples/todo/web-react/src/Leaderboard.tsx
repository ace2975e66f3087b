import { useLeaderboard, useStats } from './api/react';

/** Public data, the same for everyone signed in or not. */
export function Leaderboard() {
  const board = useLeaderboard({ limit: 10 });
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
          {stats.data.public_stats.users} users, {stats.data.public_stats.todos} todos
        </p>
      )}
    </section>
  );
}
