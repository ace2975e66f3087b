import { renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useMizanClient } from '../useMizanClient.js';
import { setup } from './setup.js';

describe('useMizanClient', () => {
  it('returns the provider client', () => {
    const { client, wrapper } = setup({});
    expect(renderHook(() => useMizanClient(), { wrapper }).result.current).toBe(client);
  });

  it('falls back to one shared default client in a browser', () => {
    const a = renderHook(() => useMizanClient()).result.current;
    const b = renderHook(() => useMizanClient()).result.current;
    expect(a).toBe(b);
    expect(typeof a.observe).toBe('function');
  });
});
