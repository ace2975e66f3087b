// Runtime globals are optional (Node, workers), so they are read loosely.
const g = globalThis as any;

/**
 * The usual answer to deploy skew, for `createClient({ onSchemaChange })`:
 * after the server's schema changed, the page is not torn down under the
 * user, but the next navigation loads the new page and its code instead of
 * rendering it with this stale bundle (as Inertia and Next.js do). Routers
 * navigate with `history.pushState` and the back button fires `popstate`,
 * so both become full page loads.
 *
 * @param notify called once, on the first change (show a "new version" notice)
 * @returns the handler; calling it again changes nothing
 * @example createClient({ schema, onSchemaChange: reloadOnNavigation() })
 */
export function reloadOnNavigation(notify?: (schema: string) => void): (schema: string) => void {
  let armed = false;
  return (schema) => {
    if (armed || !g.history || !g.location) return;
    armed = true;
    notify?.(schema);
    const push = g.history.pushState;
    g.history.pushState = function (this: History, ...args: Parameters<History['pushState']>) {
      push.apply(this, args);
      g.location.reload();
    };
    g.addEventListener('popstate', () => g.location.reload());
  };
}
