// Service processes the tests start (redis-server, HAProxy): spawned to die
// with this process, their output kept for failure messages, killed at exit.
import { spawn, type ChildProcess } from 'node:child_process';

/** How a process ended (null code and signal: it could not be started). */
export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) {
    child.kill('SIGCONT'); // a frozen one too
    child.kill('SIGKILL');
  }
});

/** A running service process and what it wrote. */
export interface Service {
  readonly child: ChildProcess;
  readonly exited: Promise<ChildExit>;
  /** The last `max_chars` of its stdout and stderr, interleaved. */
  output(): string;
}

/**
 * Starts `command args` under `setpriv --pdeathsig SIGKILL`: vitest ends a
 * worker with SIGTERM, so 'exit' handlers do not run, and the process must
 * die with this one however it ends.
 */
export function startService(command: string, args: readonly string[], max_chars = 32 * 1024): Service {
  let out = '';
  const keep = (text: string): void => {
    out = (out + text).slice(-max_chars);
  };
  const child = spawn('setpriv', ['--pdeathsig', 'SIGKILL', '--', command, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const exited = new Promise<ChildExit>((resolve) => {
    child.once('error', (e) => {
      keep(`\n${e.message}`);
      live.delete(child);
      resolve({ code: null, signal: null });
    });
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
  });
  child.stdout!.on('data', (chunk: Buffer) => keep(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => keep(chunk.toString()));
  return { child, exited, output: () => out };
}
