// A throwaway Varnish 7.1 (varnish-modules' xkey and var) in front of a test
// server: `<todo> edge varnish` writes the VCL, and varnishd runs it in the
// foreground with its own working directory (TRAPS.md: one `-n` per
// instance), on a loopback port chosen before the origin starts (the
// origin's MIZAN_EDGE_PURGE names it).
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTodo } from './server.js';

/** How long varnishd may take to compile the VCL and listen. */
const startupTimeoutMs = 30_000;
const stopTimeoutMs = 10_000;
const maxOutputChars = 64 * 1024;

/** varnishd on PATH, or Debian's /usr/sbin when PATH lacks sbin; undefined when absent. */
export function varnishdBin(): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(':'), '/usr/sbin', '/usr/local/sbin'];
  for (const dir of dirs.filter((d) => d !== '')) {
    try {
      accessSync(join(dir, 'varnishd'), constants.X_OK);
      return join(dir, 'varnishd');
    } catch {
      // not here
    }
  }
  return undefined;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** One varnishd serving the generated VCL on `port`. */
export class EdgeVarnish {
  readonly dir = mkdtempSync(join(tmpdir(), 'mizan-varnish-'));
  /** The VCL it runs, as the CLI wrote it. */
  vcl = '';
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private out = '';
  /** Starts so far: each start gets its own `-n` directory (a killed one leaves its own behind). */
  private starts = 0;

  /**
   * @param port where varnishd listens (chosen first: the origin purges it)
   * @param originPort the test server's port
   * @param dataDir the test server's data directory (the CLI runs on it)
   */
  constructor(
    readonly port: number,
    readonly originPort: number,
    readonly dataDir: string,
  ) {}

  /** `http://127.0.0.1:PORT`: an Agent's origin that goes through Varnish. */
  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** What varnishd wrote, for failure messages. */
  output(): string {
    return `--- varnishd ---\n${this.out}`;
  }

  /** Writes the VCL with the CLI, starts varnishd and waits until it answers. */
  async start(): Promise<void> {
    const bin = varnishdBin();
    if (!bin) throw new Error('varnishd is not installed (scripts/bootstrap.sh --test installs it)');
    const generated = runTodo(['edge', 'varnish', '--backend', `127.0.0.1:${this.originPort}`], { dataDir: this.dataDir });
    if (generated.status !== 0) {
      throw new Error(`todo edge varnish failed (${generated.status}):\n${generated.stdout}\n${generated.stderr}`);
    }
    this.vcl = generated.stdout;
    const vclPath = join(this.dir, 'mizan.vcl');
    writeFileSync(vclPath, this.vcl);
    // -j none: as root, the default jail would drop to the varnish users, who
    // cannot read this private temporary directory; unprivileged, it is what
    // varnishd does anyway. -T none: no management port to collide with.
    // One small thread pool and shared-memory log: a test, not a benchmark.
    const workDir = join(this.dir, this.starts === 0 ? 'n' : `n${this.starts}`);
    this.starts += 1;
    const args = [
      '-F', '-j', 'none', '-n', workDir, '-a', `127.0.0.1:${this.port}`, '-f', vclPath,
      '-s', 'malloc,64m', '-T', 'none',
      '-p', 'thread_pools=1', '-p', 'thread_pool_min=10', '-p', 'vsl_space=4m',
    ];
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    live.add(child);
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        live.delete(child);
        resolve();
      }),
    );
    const keep = (chunk: Buffer): void => void (this.out = (this.out + chunk.toString()).slice(-maxOutputChars));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const deadline = Date.now() + startupTimeoutMs;
    for (;;) {
      if (!this.running) throw new Error(`varnishd exited during start-up\n${this.output()}`);
      try {
        // Varnish answers a PURGE without tags itself (400), never the origin.
        const res = await this.purge(undefined);
        if (res.status === 400) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error(`varnishd did not answer within ${startupTimeoutMs} ms\n${this.output()}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** `PURGE /` with `xkey-purge: tags` (none when undefined); the status and body. */
  async purge(tags: string | undefined): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = tags === undefined ? {} : { 'xkey-purge': tags };
    const res = await fetch(`${this.origin}/`, { method: 'PURGE', headers });
    return { status: res.status, text: await res.text() };
  }

  /** True while varnishd runs. */
  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The manager's process id while it runs. */
  get pid(): number {
    if (!this.running || this.child?.pid === undefined) throw new Error('varnishd is not running');
    return this.child.pid;
  }

  /** The manager and every process under it (the cache process serves the requests). */
  pids(): number[] {
    const parents = new Map<number, number>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      } catch {
        // gone meanwhile
      }
    }
    const out = [this.pid];
    for (let i = 0; i < out.length; i++) {
      for (const [pid, ppid] of parents) if (ppid === out[i] && !out.includes(pid)) out.push(pid);
    }
    return out;
  }

  /**
   * Sends `signal` to every varnishd process, the cache process first (none
   * when it is not running): SIGSTOP freezes it all (connections queue in
   * the kernel), SIGCONT thaws.
   */
  signal(signal: NodeJS.Signals): void {
    if (!this.running) return;
    for (const pid of this.pids().reverse()) {
      try {
        process.kill(pid, signal);
      } catch {
        // exited meanwhile
      }
    }
  }

  /**
   * Ends every varnishd process with `signal` (SIGKILL: a crash; SIGTERM: a
   * clean stop) and waits for the manager's exit. The directory stays:
   * `start()` runs it again on the same port.
   */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.running) return;
    const pids = this.pids();
    this.signal('SIGCONT'); // a frozen process would not act on SIGTERM
    this.signal(signal);
    const timer = setTimeout(() => this.signal('SIGKILL'), stopTimeoutMs);
    await this.exited;
    clearTimeout(timer);
    // The cache process, reparented, may outlive the manager for a moment.
    const deadline = Date.now() + stopTimeoutMs;
    const alive = (pid: number): boolean => {
      try {
        return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      } catch {
        return false;
      }
    };
    while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }

  /** Stops varnishd (SIGTERM, then SIGKILL) and removes its directory. */
  async stop(): Promise<void> {
    if (this.running) {
      this.child!.kill('SIGTERM');
      const timer = setTimeout(() => this.child?.kill('SIGKILL'), stopTimeoutMs);
      await this.exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
