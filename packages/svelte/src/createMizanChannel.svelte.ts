import type { ChannelRef, MizanError } from '@mizan/base';
import { getMizanClient } from './setMizanClient.js';

/** What createMizanChannel returns: a reactive getter. */
export interface MizanChannel {
  /** Why the server refused the subscription (`not_found`, `unauthenticated`, `forbidden`), if it did. */
  readonly error: MizanError | undefined;
}

/**
 * Listens to a channel while the component lives: `onMessage` gets each
 * message the server publishes. Call it during component initialisation.
 * Needs the client's `websocket` option; the kernel renews the subscription
 * after every reconnect.
 *
 * @param ref the channel's descriptor, e.g. the generated `activityChannel`
 * @param onMessage called with each message's data
 * @returns a getter `error`, set if the server refused the subscription
 * @example
 * let recent = $state<Activity[]>([]);
 * createMizanChannel(activityChannel, (a) => (recent = [a, ...recent].slice(0, 10)));
 */
export function createMizanChannel<T>(ref: ChannelRef<T>, onMessage: (message: T) => void): MizanChannel {
  const client = getMizanClient();
  let error = $state.raw<MizanError>();
  $effect(() => client.subscribe(ref, onMessage, (e) => (error = e)));
  return {
    get error() {
      return error;
    },
  };
}
