import { describe, expect, it } from 'vitest';
import { devWarnings } from '../devWarnings.js';

const warning = (fn: string, ctx: string): string =>
  `${fn} writes table todos, read by context ${ctx}, but does not declare affects(${ctx}) (or unaffected(${ctx}))`;

describe('devWarnings', () => {
  it("prints each of the server's X-Mizan-Warning headers once, and passes the response on", async () => {
    const printed: string[] = [];
    const headers = new Headers();
    headers.append('X-Mizan-Warning', warning('add_todo', 'admin'));
    headers.append('X-Mizan-Warning', warning('add_todo', 'todo'));
    const answer = new Response('{"result":1}', { headers });
    const wrapped = devWarnings(async () => answer.clone(), (m) => printed.push(m));
    const first = await wrapped('/api/mizan/call/add_todo/', { method: 'POST' });
    await wrapped('/api/mizan/call/add_todo/', { method: 'POST' });
    expect(await first.json()).toEqual({ result: 1 });
    expect(printed).toEqual([`[mizan] ${warning('add_todo', 'admin')}`, `[mizan] ${warning('add_todo', 'todo')}`]);
  });

  it('prints nothing without the header', async () => {
    const printed: string[] = [];
    const wrapped = devWarnings(async () => new Response('{}'), (m) => printed.push(m));
    await wrapped('/api/mizan/ctx/todos/', {});
    expect(printed).toEqual([]);
  });
});
