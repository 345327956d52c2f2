import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, WriteStream } from 'node:fs';
import { createServer, Socket } from 'node:net';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One process of the system under test, kept running like a supervisor would: whatever
 * ends it (a kill from the fault plan, a crash at start while the store is down) it is
 * started again after a short pause, until `stop()`.
 */
export class Supervised {
  private child: ChildProcess | null = null;
  private stopping = false;
  paused = false;
  private readonly log: WriteStream;

  constructor(
    readonly name: string,
    private readonly command: string,
    private readonly args: string[],
    private readonly env: NodeJS.ProcessEnv,
    logFile: string,
    private readonly restartAfterMs = 500,
  ) {
    this.log = createWriteStream(logFile, { flags: 'a' });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    const child = spawn(this.command, this.args, { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.paused = false;
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    child.once('exit', (code, signal) => {
      this.log.write(`\n[chaos] ${this.name} exited (${signal ?? code})\n`);
      if (this.child === child) this.child = null;
      if (!this.stopping) setTimeout(() => !this.stopping && !this.child && this.start(), this.restartAfterMs);
    });
  }

  signal(signal: NodeJS.Signals): boolean {
    if (!this.child?.pid) return false;
    try {
      process.kill(this.child.pid, signal);
    } catch {
      return false;
    }
    if (signal === 'SIGSTOP') this.paused = true;
    if (signal === 'SIGCONT') this.paused = false;
    return true;
  }

  /** Killed at once, as by a crash or an OOM kill; the supervisor brings it back. */
  kill(): boolean {
    if (this.paused) this.signal('SIGCONT');
    return this.signal('SIGKILL');
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (child) {
      const exited = new Promise((r) => child.once('exit', r));
      if (this.paused) this.signal('SIGCONT');
      child.kill('SIGTERM');
      const done = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]);
      if (!done) child.kill('SIGKILL'), await exited;
    }
    await new Promise((r) => this.log.end(r));
  }

}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export async function waitForPort(port: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const s = new Socket();
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
      s.connect(port, '127.0.0.1');
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on port ${port}`);
    await sleep(50);
  }
}
