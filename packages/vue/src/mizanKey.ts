import type { Client } from '@mizan/base';
import { provide, type App, type InjectionKey, type Plugin } from 'vue';

/** The injection key under which the client is provided. */
export const mizanKey: InjectionKey<Client> = Symbol('mizan');

/** Options of createMizan and provideMizan. */
export interface MizanOptions {
  /**
   * During server rendering, whether useMizanContext loads its context in
   * `onServerPrefetch` (default true). False when the server has loaded the
   * page's contexts already and seeds the client with them (`ssrData`): the
   * composables then render the seeded entries and the others as `loading`,
   * fetching nothing. That is what the browser's first render shows before
   * it fetches, so hydration matches even where the server's load failed (a
   * private context for a visitor who is not signed in).
   */
  readonly serverPrefetch?: boolean;
}

/** The injection key of the options; absent means the defaults. */
export const mizanOptionsKey: InjectionKey<MizanOptions> = Symbol('mizan options');

/**
 * Provides a client to the composables of the calling component's subtree.
 * Call it in a `setup()`.
 *
 * @param client the client, e.g. one per request for server rendering
 * @param options `serverPrefetch`
 * @example setup() { provideMizan(createClient()) }
 */
export function provideMizan(client: Client, options: MizanOptions = {}): void {
  provide(mizanKey, client);
  provide(mizanOptionsKey, options);
}

/**
 * A plugin that provides a client to the whole application.
 *
 * @param client the client
 * @param options `serverPrefetch`
 * @returns a plugin for `app.use`
 * @example
 * createApp(App).use(createMizan(createClient())).mount('#app')
 * // server rendering from data loaded by the server:
 * createSSRApp(App).use(createMizan(createClient({ ssrData }), { serverPrefetch: false }))
 */
export function createMizan(client: Client, options: MizanOptions = {}): Plugin {
  return {
    install: (app: App) => {
      app.provide(mizanKey, client);
      app.provide(mizanOptionsKey, options);
    },
  };
}
