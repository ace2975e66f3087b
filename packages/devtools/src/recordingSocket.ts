import type { WebSocketFactory } from '@mizan/base';
import type { Recorder } from './recorder.js';

const text = (data: unknown): string => (typeof data == 'string' ? data : `(${typeof data})`);

/**
 * A WebSocket factory that constructs `inner` (the global WebSocket by
 * default, read when the client connects) and records the socket's life:
 * connecting, open, closed with its code, and every frame both ways. It
 * listens with addEventListener, which leaves the `on…` handlers the client
 * sets alone, and wraps the instance's `send`.
 *
 * @param recorder where records go
 * @param inner the factory to construct with
 * @returns a factory for ClientOptions.websocket.WebSocket
 */
export function recordingSocket(recorder: Recorder, inner?: WebSocketFactory): WebSocketFactory {
  // The client replaces a silent socket before the old one's close event
  // arrives: only the newest socket's events say what state it is in.
  let current: WebSocket | undefined;
  // A plain function returning the socket: `new` on it yields that object.
  function RecordingWebSocket(url: string, protocol: string): WebSocket {
    const Impl: WebSocketFactory = inner ?? (globalThis as { WebSocket: WebSocketFactory }).WebSocket;
    recorder.socketState('connecting');
    let ws: WebSocket;
    try {
      ws = new Impl(url, protocol);
    } catch (e) {
      recorder.socketState('closed');
      throw e;
    }
    current = ws;
    ws.addEventListener?.('open', () => ws == current && recorder.socketState('open'));
    ws.addEventListener?.('close', (ev) => ws == current && recorder.socketState('closed', ev.code));
    ws.addEventListener?.('message', (ev) => recorder.frame('in', text(ev.data)));
    const send = ws.send.bind(ws);
    ws.send = (data) => {
      recorder.frame('out', text(data));
      send(data);
    };
    return ws;
  }
  return RecordingWebSocket as unknown as WebSocketFactory;
}
