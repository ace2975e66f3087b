import { createClient, MizanError, type ClientOptions } from '@mizan/base';
import { createMizan } from '@mizan/vue';
import { createSSRApp } from 'vue';
import { renderToString } from 'vue/server-renderer';
import App from './App.vue';
import { pageOf } from '../../web-shared/page';

/** What the server sends for one page: the route matched, the path, the page's params and the contexts' data. */
export interface RenderInput {
  readonly route: string;
  readonly path: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** `context` or `context?canonical-params` → the context's JSON; failed contexts are absent. */
  readonly data: Readonly<Record<string, unknown>>;
}

/** What the server puts in the page: `head` before `</head>`, `body` inside `<div id="app">`. */
export interface RenderOutput {
  readonly head: string;
  readonly body: string;
}

/** Options of render, for tests. */
export interface RenderOptions {
  /** The client's fetch; by default one that refuses at once (a render reads only `data`). */
  readonly fetch?: ClientOptions['fetch'];
}

const refuse: NonNullable<ClientOptions['fetch']> = () =>
  Promise.reject(new MizanError('network', 'mizan: no requests during server rendering'));

/**
 * Renders a page to HTML from the data the server loaded. Each call has its
 * own app and client, seeded with `input.data` and destroyed after: calls
 * share nothing and may run concurrently. Nothing is fetched
 * (`serverPrefetch: false`): the composables render the seeded entries, and
 * the others as loading, as the browser's first render does before hydrating.
 *
 * @param input the route, path, params and data of the page
 * @param options `fetch`, for tests
 * @returns `head` (always '') and `body`, the markup of `<div id="app">`
 * @throws whatever a component throws while rendering (a bug)
 */
export async function render(input: RenderInput, options: RenderOptions = {}): Promise<RenderOutput> {
  const client = createClient({
    ssrData: input.data,
    websocket: false,
    broadcast: false,
    fetch: options.fetch ?? refuse,
  });
  try {
    const app = createSSRApp(App, { page: pageOf(input.path, input.params) });
    app.use(createMizan(client, { serverPrefetch: false }));
    return { head: '', body: await renderToString(app) };
  } finally {
    client.destroy();
  }
}
