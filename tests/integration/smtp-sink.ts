// A real SMTP server for the mail tests: tests/integration/smtp_sink.py on
// Debian's python3-aiosmtpd (always /usr/bin/python3: a python3 on PATH may
// lack Debian's packages), each message a file in its own directory. stop()
// and start() keep the port, to test a mail server that is down for a while.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startService, type Service } from './child.js';

export interface Mail {
  readonly to: string;
  readonly subject: string;
  readonly body: string;
  readonly raw: string;
}

const script = fileURLToPath(new URL('./smtp_sink.py', import.meta.url));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(500, () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
    socket.once('data', (chunk: Buffer) => {
      socket.destroy();
      resolve(chunk.toString('latin1').startsWith('220'));
    });
  });
}

function parse(raw: string): Mail {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split);
  const header = (name: string): string =>
    head.split('\r\n').find((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`))?.slice(name.length + 1).trim() ?? '';
  return { to: header('To'), subject: header('Subject'), body: raw.slice(split + 4), raw };
}

export class SmtpSink {
  readonly dir = mkdtempSync(join(tmpdir(), 'mizan-mail-'));
  private service: Service | undefined;

  constructor(readonly port: number) {}

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    for (let attempt = 0; attempt < 50; ++attempt) {
      this.service = startService('/usr/bin/python3', [script, String(this.port), this.dir]);
      for (let i = 0; i < 50; ++i) {
        if (await accepts(this.port)) return;
        if (this.service.child.exitCode !== null) break;
        await sleep(100);
      }
      this.service.child.kill('SIGKILL');
      await this.service.exited;
      await sleep(100); // the port may still be busy after a stop
    }
    throw new Error(`the SMTP sink did not start: ${this.service?.output() ?? ''}`);
  }

  async stop(): Promise<void> {
    if (!this.service) return;
    this.service.child.kill('SIGKILL');
    await this.service.exited;
    this.service = undefined;
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Every message taken so far, oldest first. */
  mails(): Mail[] {
    return readdirSync(this.dir)
      .filter((name) => name.endsWith('.eml'))
      .sort()
      .map((name) => parse(readFileSync(join(this.dir, name), 'utf8')));
  }

  /** Messages to `to` (with `subject`, if given), waiting up to `timeout_ms` for at least `count`. */
  async mailsTo(to: string, count = 1, timeout_ms = 10_000, subject?: string): Promise<Mail[]> {
    const end = Date.now() + timeout_ms;
    for (;;) {
      const found = this.mails().filter((m) => m.to === to && (subject === undefined || m.subject === subject));
      if (found.length >= count || Date.now() >= end) return found;
      await sleep(50);
    }
  }
}

/** The token of the link `page` in a mail's body. */
export function linkToken(mail: Mail, page: string): string {
  const match = new RegExp(`/${page}\\?token=([A-Za-z0-9_-]{43})\\r?\\n`).exec(mail.body);
  if (!match?.[1]) throw new Error(`no ${page} link in:\n${mail.raw}`);
  return match[1];
}
