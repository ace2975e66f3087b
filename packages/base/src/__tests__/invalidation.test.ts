import { describe, expect, it } from 'vitest';
import { matches, parseInvalidateHeader, toTarget } from '../invalidation.js';

const instance = (canon: string): string[] => (canon ? canon.split('&') : []);

describe('invalidation entries', () => {
  it('turns a context name into a whole-context target', () => {
    expect(toTarget('todos')).toEqual(['todos', []]);
  });

  it('turns scoped params into canonical pairs', () => {
    expect(toTarget({ context: 'todo', params: { id: 5, q: 'a b', none: null } })).toEqual([
      'todo',
      ['id=5', 'q=a%20b'],
    ]);
    expect(toTarget({ context: 'todo' })).toEqual(['todo', []]);
  });

  it('parses the header form of PROTOCOL §4', () => {
    expect(parseInvalidateHeader('todos, todo?id=5')).toEqual([
      ['todos', []],
      ['todo', ['id=5']],
    ]);
    expect(parseInvalidateHeader('a,b?x=1&y=%7e ,  c')).toEqual([
      ['a', []],
      ['b', ['x=1', 'y=~']],
      ['c', []],
    ]);
    expect(parseInvalidateHeader(null)).toEqual([]);
    expect(parseInvalidateHeader(' , ')).toEqual([]);
  });

  it('keeps a malformed escape as it is instead of throwing', () => {
    expect(parseInvalidateHeader('t?q=%E0%A4%A')).toEqual([['t', ['q=%E0%A4%A']]]);
  });

  it('matches a whole context regardless of params', () => {
    expect(matches(toTarget('todos'), 'todos', [])).toBe(true);
    expect(matches(toTarget('todos'), 'todos', instance('page=2'))).toBe(true);
    expect(matches(toTarget('todos'), 'todo', [])).toBe(false);
  });

  it('matches scoped entries when the instance contains every key with an equal value', () => {
    const t = toTarget({ context: 'todo', params: { id: 5 } });
    expect(matches(t, 'todo', instance('id=5'))).toBe(true);
    expect(matches(t, 'todo', instance('id=5&verbose=true'))).toBe(true);
    expect(matches(t, 'todo', instance('id=6'))).toBe(false);
    expect(matches(t, 'todo', instance('id=50'))).toBe(false);
    expect(matches(t, 'todo', instance(''))).toBe(false);
    expect(matches(t, 'todos', instance('id=5'))).toBe(false);
  });

  it('compares canonical values, so 5, 5.0 and "5" are one value', () => {
    const t = toTarget({ context: 'todo', params: { id: 5.0 } });
    expect(matches(t, 'todo', instance('id=5'))).toBe(true);
    expect(matches(toTarget({ context: 'todo', params: { id: '5' } }), 'todo', instance('id=5'))).toBe(true);
  });

  it('gives the header form and the JSON form the same targets', () => {
    const [fromHeader] = parseInvalidateHeader('search?q=a%20b&tag=x%2Fy');
    expect(fromHeader).toEqual(toTarget({ context: 'search', params: { tag: 'x/y', q: 'a b' } }));
  });
});
