import { ChildProcess, spawn } from 'node:child_process';
import { freePort, waitForPort } from '../../chaos/processes';

/** A server process of the test's own on a free port, so the test can take it down and back up. */
export class OwnServer {
  private process: ChildProcess | null = null;

  constructor(
    readonly port: number,
    private readonly command: string,
    private readonly args: string[],
  ) {}

  async up(): Promise<void> {
    this.process = spawn(this.command, this.args, { stdio: 'ignore' });
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
}

export { freePort };
