import type { Client, ClientOptions } from '@mizan/base';
import { instrument } from './instrument.js';
import { mountPanel } from './mountPanel.js';
import { createRecorder, type Recorder } from './recorder.js';

/** A recorder with the two steps that feed and show it. */
export interface Devtools {
  /** What has been recorded so far (bounded lists). */
  readonly recorder: Recorder;
  /**
   * The client options with `inspect`, `fetch` and the WebSocket factory
   * recording into this devtools; the caller's own hooks still run.
   */
  instrument(options?: ClientOptions): ClientOptions;
  /**
   * Shows the panel for `client`, collapsed to a button, in a Shadow DOM host
   * appended to `target` (default `document.body`); returns the function
   * that removes it.
   */
  mount(client: Client, target?: HTMLElement): () => void;
}

/**
 * Creates a development panel for one client. For development builds only:
 * guard it with `import.meta.env.DEV` (or your bundler's equivalent) so the
 * production bundle drops it.
 *
 * @param options.limit records kept per list (default 200)
 * @example
 * const devtools = import.meta.env.DEV ? createDevtools() : undefined;
 * const client = createClient(devtools ? devtools.instrument(options) : options);
 * devtools?.mount(client);
 */
export function createDevtools(options: { readonly limit?: number } = {}): Devtools {
  const recorder = createRecorder(options.limit);
  return {
    recorder,
    instrument: (clientOptions) => instrument(recorder, clientOptions),
    mount: (client, target = document.body) => mountPanel(client, recorder, target),
  };
}
