import Redis from 'ioredis';

/**
 * Deletes every key under `prefix:` (queues, leases, network data) in a shared Redis: how the
 * tests and the bench leave it as they found it. Best effort: Redis may be down on purpose.
 */
export async function dropRedisPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch {
    // Nothing to clean then; what is left stays under its own prefix.
  } finally {
    redis.disconnect();
  }
}
