// A throwaway Varnish 7.1 (varnish-modules' xkey and var) in front of a test
// server: `<todo> edge varnish` writes the VCL, and varnishd runs it in the
// foreground with its own working directory (TRAPS.md: one `-n` per
// instance), on a loopback port chosen before the origin starts (the
// origin's MIZAN_EDGE_PURGE names it).
import { accessSync, constants, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EdgeProcess, stopTimeoutMs } from './edge-shared.js';

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

/** One varnishd serving the generated VCL on `port`. */
export class EdgeVarnish extends EdgeProcess {
  /** The VCL it runs, as the CLI wrote it. */
  vcl = '';
  /** Starts so far: each start gets its own `-n` directory (a killed one leaves its own behind). */
  private starts = 0;

  /**
   * @param port where varnishd listens (chosen first: the origin purges it)
   * @param originPort the test server's port
   * @param dataDir the test server's data directory (the CLI runs on it)
   */
  constructor(port: number, originPort: number, dataDir: string) {
    super('varnishd', 'mizan-varnish-', port, originPort, dataDir);
  }

  /** Writes the VCL with the CLI, starts varnishd and waits until it answers. */
  async start(): Promise<void> {
    const bin = varnishdBin();
    if (!bin) throw new Error('varnishd is not installed (scripts/bootstrap.sh --test installs it)');
    this.vcl = this.generate(['varnish', '--backend', `127.0.0.1:${this.originPort}`]);
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
    // Varnish answers a PURGE without tags itself (400), never the origin.
    await this.launch(bin, args, process.env, async () => (await this.purge(undefined)).status === 400);
  }

  /** `PURGE /` with `xkey-purge: tags` (none when undefined); the status and body. */
  async purge(tags: string | undefined): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = tags === undefined ? {} : { 'xkey-purge': tags };
    const res = await fetch(`${this.origin}/`, { method: 'PURGE', headers });
    return { status: res.status, text: await res.text() };
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
}
