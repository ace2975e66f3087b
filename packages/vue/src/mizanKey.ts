import type { Client } from '@mizan/base';
import { provide, type App, type InjectionKey, type Plugin } from 'vue';

/** The injection key under which the client is provided. */
export const mizanKey: InjectionKey<Client> = Symbol('mizan');

/**
 * Provides a client to the composables of the calling component's subtree.
 * Call it in a `setup()`.
 *
 * @param client the client, e.g. one per request for server rendering
 * @example setup() { provideMizan(createClient()) }
 */
export function provideMizan(client: Client): void {
  provide(mizanKey, client);
}

/**
 * A plugin that provides a client to the whole application.
 *
 * @param client the client
 * @returns a plugin for `app.use`
 * @example createApp(App).use(createMizan(createClient())).mount('#app')
 */
export function createMizan(client: Client): Plugin {
  return { install: (app: App) => void app.provide(mizanKey, client) };
}
