import { Logger } from '@nestjs/common';
import { once } from 'node:events';
import { AddressInfo, createServer, Server, Socket } from 'node:net';
import { loadConfig } from '../config/app-config';
import { connectRedis, failFastRedisOptions } from '../redis/redis.module';
import { NetworkData, RECORD_TIMEOUT_MS } from './network-data';

// Real ioredis clients on real sockets, against servers that fail the way Redis does when it
// is down (connection refused) or stuck (connected, never answers). The healthy path is in
// test/network-data.e2e-spec.ts, against the real Redis.
const config = loadConfig({ QUEUE_PREFIX: 'unit-network' });
const client = { address: '198.51.100.23', userAgent: 'UnitTestBrowser/1.0 (do-not-log-me)' };

async function listen(onSocket: (s: Socket) => void = () => undefined): Promise<Server> {
  const server = createServer(onSocket);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}
const urlOf = (server: Server) => `redis://127.0.0.1:${(server.address() as AddressInfo).port}`;

describe('NetworkData.record when Redis cannot take it', () => {
  let warn: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  const expectWarningWithoutNetwork = (commitId: string) => {
    expect(warn).toHaveBeenCalledTimes(1);
    const line = String(warn.mock.calls[0][0]);
    expect(line).toContain(commitId);
    expect(line).not.toContain(client.address);
    expect(line).not.toContain(client.userAgent);
  };

  it('refused: answers false at once and warns without the address or user agent', async () => {
    const closed = await listen();
    const url = urlOf(closed);
    closed.close();
    const redis = connectRedis(url);
    try {
      const started = Date.now();
      await expect(new NetworkData(redis, config).record('reply-r1:1', client)).resolves.toBe(false);
      expect(Date.now() - started).toBeLessThan(RECORD_TIMEOUT_MS + 200);
      expectWarningWithoutNetwork('reply-r1:1');
    } finally {
      redis.disconnect();
    }
  });

  it('stuck: gives up after RECORD_TIMEOUT_MS', async () => {
    const sockets: Socket[] = [];
    const silent = await listen((s) => sockets.push(s));
    // A connection that went quiet after it was set up: with no handshake (HELLO, CLIENT
    // SETINFO) and no ready check to wait for, the client is ready on connect and sends the MULTI.
    const redis = connectRedis(urlOf(silent), { ...failFastRedisOptions, protocol: 2, disableClientInfo: true, enableReadyCheck: false });
    try {
      await once(redis, 'ready');
      const started = Date.now();
      await expect(new NetworkData(redis, config).record('reply-r2:1', client)).resolves.toBe(false);
      const took = Date.now() - started;
      expect(took).toBeGreaterThanOrEqual(RECORD_TIMEOUT_MS - 5);
      expect(took).toBeLessThan(RECORD_TIMEOUT_MS + 200);
      expectWarningWithoutNetwork('reply-r2:1');
    } finally {
      redis.disconnect();
      sockets.forEach((s) => s.destroy());
      silent.close();
    }
  });

  it('warns once while failing, not once per submission', async () => {
    const closed = await listen();
    const url = urlOf(closed);
    closed.close();
    const redis = connectRedis(url);
    try {
      const network = new NetworkData(redis, config);
      for (let i = 0; i < 5; i++) await expect(network.record(`reply-r3:${i + 1}`, client)).resolves.toBe(false);
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      redis.disconnect();
    }
  });

  it('records nothing, and needs no Redis, when there is neither address nor user agent', async () => {
    const closed = await listen();
    const url = urlOf(closed);
    closed.close();
    const redis = connectRedis(url);
    try {
      await expect(new NetworkData(redis, config).record('reply-r4:1', {})).resolves.toBe(true);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      redis.disconnect();
    }
  });
});
