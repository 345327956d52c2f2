import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, OwnServer } from './own-server';

const BINARY = join(__dirname, '..', '..', 'tools', 'ferretdb', 'bin', 'ferretdb');

/** A FerretDB of the test's own (built by npm test), so the test can take the store down. */
export class OwnFerretDb extends OwnServer {
  private dir = '';

  static async start(): Promise<OwnFerretDb> {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'ferretdb-'));
    const db = new OwnFerretDb(port, BINARY, ['-listen', `127.0.0.1:${port}`, '-dir', dir]);
    db.dir = dir;
    await db.up();
    return db;
  }

  get url(): string {
    return `mongodb://127.0.0.1:${this.port}`;
  }

  async remove(): Promise<void> {
    await this.down();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
