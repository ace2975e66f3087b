// The scale-out harness itself (cluster.ts): HAProxy in front of three
// instances on one PostgreSQL database and one Redis spreads requests over
// all of them and passes WebSocket upgrades through. PostgreSQL only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { signedIn } from './agent.js';
import { instanceHeader, instanceName, startCluster, type Cluster } from './cluster.js';
import { frameTimeoutMs, wsPath } from './ws.js';

let cluster: Cluster | undefined;
const running = (): Cluster => {
  if (!cluster) throw new Error('the cluster has not started');
  return cluster;
};

beforeAll(async () => {
  cluster = await startCluster({ instances: 3 });
}, 120_000);
afterAll(async () => {
  await cluster?.stop();
}, 60_000);

describe('a cluster of three behind HAProxy', () => {
  it('answers through the load balancer and spreads requests over every instance', async () => {
    const c = running();
    expect(await c.statuses()).toEqual(['UP', 'UP', 'UP']);
    const seen = new Map<string, number>();
    for (let n = 0; n < 9; n++) {
      const res = await fetch(c.url('/api/mizan/session/'));
      expect(res.status).toBe(200);
      await res.text();
      const name = res.headers.get(instanceHeader) ?? 'none';
      seen.set(name, (seen.get(name) ?? 0) + 1);
    }
    // Round-robin gives three each; a check that failed once on a loaded
    // machine would shift the count, so only ask that every one answered.
    expect([...seen.keys()].sort()).toEqual([instanceName(0), instanceName(1), instanceName(2)]);
  });

  it('reaches each instance directly too', async () => {
    for (const server of running().instances) {
      const res = await fetch(server.url('/api/mizan/session/'));
      expect(res.status).toBe(200);
      expect(res.headers.get(instanceHeader)).toBeNull(); // set by HAProxy only
      await res.text();
    }
  });

  it('keeps a user signed in whichever instance answers (one database, the same secrets)', async () => {
    const c = running();
    const { agent, user } = await signedIn(c.origin);
    const answered = new Set<string>();
    for (let n = 0; n < 6; n++) {
      const reply = await agent.request('/api/mizan/session/');
      expect(reply.status, reply.text).toBe(200);
      expect(reply.json<{ user: { id: number } | null }>().user?.id).toBe(user.id);
      answered.add(reply.header(instanceHeader) ?? 'none');
    }
    expect(answered.size).toBe(3);
  });

  it('passes a WebSocket upgrade through with subprotocol mizan.v1', async () => {
    const c = running();
    const ws = new WebSocket(`ws://127.0.0.1:${c.port}${wsPath}`, ['mizan.v1'], {
      origin: c.origin,
      handshakeTimeout: frameTimeoutMs,
    });
    const instance = await new Promise<string | undefined>((resolve, reject) => {
      ws.once('upgrade', (res) => resolve(res.headers[instanceHeader] as string | undefined));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`handshake refused with ${res.statusCode}`)));
      ws.once('error', reject);
    });
    if (ws.readyState !== WebSocket.OPEN) await new Promise((resolve) => ws.once('open', resolve));
    expect(ws.protocol).toBe('mizan.v1');
    expect(instance).toMatch(/^i[0-2]$/);
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.close(1000);
    expect(await closed).toBe(1000);
  });
});
