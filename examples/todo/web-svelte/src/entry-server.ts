import { createClient, MizanError, type ClientOptions } from '@mizan/base';
import { render as renderSvelte } from 'svelte/server';
import App from './App.svelte';
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
 * own client, seeded with `input.data` and destroyed after: calls share
 * nothing and may run concurrently. Nothing is fetched (`$effect` does not
 * run on the server): the components render the seeded entries, and the
 * others as loading, as the browser's first render does before hydrating.
 *
 * @param input the route, path, params and data of the page
 * @param options `fetch`, for tests
 * @returns `head` (what `<svelte:head>` renders, with Svelte's hydration
 *   markers) and `body`, the markup of `<div id="app">`, for `hydrate`
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
    const { head, body } = renderSvelte(App, { props: { client, page: pageOf(input.path, input.params) } });
    return { head, body };
  } finally {
    client.destroy();
  }
}
