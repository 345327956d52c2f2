import { freePort, OwnServer } from './own-server';

/** A redis-server of the test's own, so the test can take it down and bring it back. */
export class OwnRedis extends OwnServer {
  static async start(): Promise<OwnRedis> {
    const port = await freePort();
    const redis = new OwnRedis(port, 'redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no']);
    await redis.up();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }
}
