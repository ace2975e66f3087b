import { describe, expect, it, vi } from 'vitest';
import { createRecorder, sourceName, targetName } from '../recorder.js';

describe('createRecorder', () => {
  it('names each invalidation source and spells targets as cache keys', () => {
    const r = createRecorder(200, () => 42);
    for (const source of [1, 2, 3, 4, 5] as const) r.invalidation(source, [['todos', []], ['todo', ['id=5', 'q=a%20b']]]);
    expect(r.invalidations.map((i) => i.source)).toEqual(['json', 'header', 'tab', 'push', 'app']);
    expect(r.invalidations[0]).toEqual({ time: 42, source: 'json', targets: ['todos', 'todo?id=5&q=a%20b'] });
  });

  it('names a source it does not know `?` rather than failing', () => {
    expect(sourceName(9 as never)).toBe('?');
    expect(targetName(['stats', []])).toBe('stats');
  });

  it('keeps only the last `limit` records of each list', () => {
    const r = createRecorder(3);
    for (let i = 0; i < 5; i++) {
      r.invalidation(5, [[`c${i}`, []]]);
      r.request({ method: 'GET', path: `/p${i}`, status: 200, duration: 1, warnings: [] });
      r.frame('in', `f${i}`);
      r.warning('server', `w${i}`);
    }
    expect(r.invalidations.map((i) => i.targets[0])).toEqual(['c2', 'c3', 'c4']);
    expect(r.requests.map((q) => q.path)).toEqual(['/p2', '/p3', '/p4']);
    expect(r.socket.frames.map((f) => f.data)).toEqual(['f2', 'f3', 'f4']);
    expect(r.warnings.map((w) => w.text)).toEqual(['w2', 'w3', 'w4']);
  });

  it('forgets the warnings it has seen once there are too many, so the set is bounded too', () => {
    const r = createRecorder(1);
    for (let i = 0; i < 10; i++) r.warning('server', `w${i}`);
    r.warning('server', 'w0'); // still remembered
    expect(r.version).toBe(10);
    r.warning('server', 'w10'); // 10 texts seen: the set starts over
    r.warning('server', 'w0');
    expect(r.warnings.map((w) => w.text)).toEqual(['w0']);
    expect(r.version).toBe(12);
  });

  it('records each warning once per kind', () => {
    const r = createRecorder();
    r.warning('server', 'a');
    r.warning('server', 'a');
    r.warning('schema', 'a');
    expect(r.warnings.map((w) => `${w.kind}:${w.text}`)).toEqual(['server:a', 'schema:a']);
  });

  it('follows the socket: connecting, open, closed with its code, and counts reopenings', () => {
    const r = createRecorder();
    expect(r.socket.state).toBe('off');
    r.socketState('connecting');
    r.socketState('open');
    expect(r.socket).toMatchObject({ state: 'open', reconnects: 0 });
    r.socketState('closed', 1006);
    expect(r.socket).toMatchObject({ state: 'closed', code: 1006 });
    r.socketState('connecting');
    expect(r.socket.code).toBeUndefined();
    r.socketState('open');
    expect(r.socket).toMatchObject({ state: 'open', reconnects: 1 });
  });

  it('tells subscribers of every record until they unsubscribe, even when one throws', () => {
    const r = createRecorder();
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const bad = r.subscribe(() => {
      throw new Error('listener');
    });
    const heard = vi.fn();
    const stop = r.subscribe(heard);
    r.frame('out', '{"op":"ping"}');
    r.socketState('connecting');
    expect(heard).toHaveBeenCalledTimes(2);
    expect(error).toHaveBeenCalledTimes(2);
    stop();
    bad();
    r.frame('in', 'x');
    expect(heard).toHaveBeenCalledTimes(2);
    error.mockRestore();
  });
});
