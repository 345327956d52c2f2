import Redis from 'ioredis';

/**
 * A connection of its own for one channel's notices (a subscriber can do nothing else): it
 * fails fast instead of queueing, and subscribes again only when its owner says so, since
 * notices sent while it was away are lost and the owner must catch up first. Named, so an
 * operator (or a test) can tell it apart in CLIENT LIST.
 */
export function subscriberConnection(url: string, name: string): Redis {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    autoResubscribe: false,
    connectionName: name,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
}
