import type { ChannelRef, MizanError } from '@mizan/base';
import { useEffect, useRef, useState } from 'react';
import { useMizanClient } from './useMizanClient.js';

/** What useMizanChannel returns. */
export interface UseMizanChannelResult {
  /** Why the server refused the subscription (`not_found`, `unauthenticated`, `forbidden`), if it did. */
  readonly error: MizanError | undefined;
}

/**
 * Listens to a channel while the component is mounted: `onMessage` gets each
 * message the server publishes. The latest `onMessage` is called, so an
 * inline function does not resubscribe. Needs the client's `websocket`
 * option; the kernel renews the subscription after every reconnect.
 *
 * @param ref the channel's descriptor, e.g. the generated `activityChannel`
 * @param onMessage called with each message's data
 * @returns `error`, set if the server refused the subscription
 * @example
 * const [recent, setRecent] = useState<Activity[]>([])
 * useMizanChannel(activityChannel, (a) => setRecent((r) => [a, ...r].slice(0, 10)))
 */
export function useMizanChannel<T>(ref: ChannelRef<T>, onMessage: (message: T) => void): UseMizanChannelResult {
  const client = useMizanClient();
  const latest = useRef(onMessage);
  latest.current = onMessage;
  const [error, setError] = useState<MizanError>();
  useEffect(() => {
    setError(undefined);
    return client.subscribe(ref, (m) => latest.current(m), setError);
  }, [client, ref.channel]);
  return { error };
}
