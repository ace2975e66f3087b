// A WebSocket that never touches the network: the test opens it, sends it
// frames and closes it. Handlers run both ways, as a browser's do: listeners
// added with addEventListener and the `on…` property the kernel sets.
import type { WebSocketFactory } from '@mizan/base';

export class FakeSocket extends EventTarget {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  onopen: ((ev: Event) => void) | null = null;
  onmessage: ((ev: Event) => void) | null = null;
  onclose: ((ev: Event) => void) | null = null;

  constructor(
    readonly url: string,
    readonly protocol: string,
  ) {
    super();
    FakeSocket.all.push(this);
  }

  send(data: string): void {
    this.sent.push(data);
  }

  close(): void {
    if (this.readyState < 2) this.serverClose(1005);
  }

  private fire(type: 'open' | 'message' | 'close', extra: object = {}): void {
    const ev = Object.assign(new Event(type), extra);
    this.dispatchEvent(ev);
    this[`on${type}`]?.(ev);
  }

  /** The server accepted the connection. */
  serverOpen(): void {
    this.readyState = 1;
    this.fire('open');
  }

  /** The server sent a frame. */
  serverSend(frame: unknown): void {
    this.fire('message', { data: JSON.stringify(frame) });
  }

  /** The connection ended with `code`. */
  serverClose(code: number): void {
    this.readyState = 3;
    this.fire('close', { code });
  }
}

export const FakeSocketFactory = FakeSocket as unknown as WebSocketFactory;
