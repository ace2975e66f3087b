import { LeaderboardPage } from './LeaderboardPage';
import type { Page } from '../../web-shared/page';
import { TodosPage } from './TodosPage';

/** The page chosen from the URL (pageOf), the same on the server and in the browser. */
export function App({ page }: { page: Page }) {
  return page.name == 'leaderboard' ? <LeaderboardPage limit={page.limit} /> : <TodosPage />;
}
