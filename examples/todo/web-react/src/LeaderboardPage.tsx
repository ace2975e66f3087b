import { Activity } from './Activity';
import { Leaderboard } from './Leaderboard';

/** The public page at `/leaderboard/`: the `limit` best (`?limit=N`), the totals and the live activity. */
export function LeaderboardPage({ limit }: { limit: number }) {
  return (
    <main>
      <h1>Mizan todos</h1>
      <nav>
        <a href="/">Todos</a>
      </nav>
      <Leaderboard limit={limit} />
      <Activity />
    </main>
  );
}
