import type { ChannelRef, MizanError } from '@mizan/base';
import { getCurrentInstance, inject, onScopeDispose, shallowRef, ssrContextKey, type Ref } from 'vue';
import { useMizanClient } from './useMizanClient.js';

/** What useMizanChannel returns. */
export interface UseMizanChannelResult {
  /** Why the server refused the subscription (`not_found`, `unauthenticated`, `forbidden`), if it did. */
  readonly error: Readonly<Ref<MizanError | undefined>>;
}

/**
 * Listens to a channel for the life of the current effect scope (a
 * component's setup): `onMessage` gets each message the server publishes.
 * Needs the client's `websocket` option; the kernel renews the subscription
 * after every reconnect. During server rendering it listens to nothing: no
 * scope is ever disposed there, and a server-side client has no socket.
 *
 * @param ref the channel's descriptor, e.g. the generated `activityChannel`
 * @param onMessage called with each message's data
 * @returns `error`, a ref set if the server refused the subscription
 * @example
 * const recent = ref<Activity[]>([])
 * useMizanChannel(activityChannel, (a) => (recent.value = [a, ...recent.value].slice(0, 10)))
 */
export function useMizanChannel<T>(ref: ChannelRef<T>, onMessage: (message: T) => void): UseMizanChannelResult {
  const error = shallowRef<MizanError>();
  const client = useMizanClient();
  if (getCurrentInstance() && inject(ssrContextKey, null)) return { error };
  onScopeDispose(client.subscribe(ref, onMessage, (e) => (error.value = e)));
  return { error };
}
