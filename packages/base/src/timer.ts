/** The handle of a timer, whatever the runtime's setTimeout returns. */
export type Timer = ReturnType<typeof setTimeout>;

/**
 * setTimeout for background work (GC, coalescing, WebSocket upkeep): it never
 * keeps a Node process alive, and delays beyond the 32-bit range (which
 * runtimes treat as 0) are clamped instead of firing at once.
 */
export const timer = (fn: () => void, ms: number): Timer => {
  const t = setTimeout(fn, Math.min(ms, 2 ** 31 - 1));
  (t as { unref?: () => void }).unref?.();
  return t;
};

/**
 * Exponential backoff with jitter: 1 s, 2 s, 4 s, ... capped at 30 s, each
 * scaled by a random 50-100 % so that clients do not retry in lockstep.
 */
export const backoff = (attempt: number): number =>
  Math.min(1000 * 2 ** attempt, 30_000) * (0.5 + Math.random() / 2);
