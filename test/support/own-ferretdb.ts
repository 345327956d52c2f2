import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './redis-server';

const BINARY = join(__dirname, '..', '..', 'tools', 'ferretdb', 'bin', 'ferretdb');

/** A FerretDB of the test's own (built by npm test), so the test can take the store down. */
export class OwnFerretDb {
  private process: ChildProcess | null = null;
  private readonly dir = mkdtempSync(join(tmpdir(), 'ferretdb-'));
  constructor(readonly port: number) {}

  static async start(): Promise<OwnFerretDb> {
    const db = new OwnFerretDb(await freePort());
    await db.up();
    return db;
  }

  get url(): string {
    return `mongodb://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    this.process = spawn(BINARY, ['-listen', `127.0.0.1:${this.port}`, '-dir', this.dir], { stdio: 'ignore' });
    await waitForPort(this.port, 10_000);
  }

  async down(): Promise<void> {
    const p = this.process;
    if (!p) return;
    this.process = null;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
  }

  async remove(): Promise<void> {
    await this.down();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
