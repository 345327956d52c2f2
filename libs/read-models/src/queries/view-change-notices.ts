import { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { ViewDocumentCache } from './view-document-cache';
import { subscriberConnection } from '../redis-subscriber';

/** The Redis channel a deployment's view writers announce their writes on (one per QUEUE_PREFIX). */
export const viewChangesChannel = (prefix: string) => `${prefix}:view-changes`;

export interface ViewChangeNotice {
  /** The physical collection written (a generation's own name). */
  c: string;
  ids: string[];
}

/**
 * What a view writer calls after writing documents: one PUBLISH per collection, fire and
 * forget. A notice lost (Redis down) costs readers at most the cache's TTL of an older page.
 */
export function viewChangePublisher(redis: Pick<Redis, 'publish'>, prefix: string, onError: (e: unknown) => void = () => undefined) {
  const channel = viewChangesChannel(prefix);
  return (collection: string, ids: string[]): void => {
    if (ids.length === 0) return;
    redis.publish(channel, JSON.stringify({ c: collection, ids } satisfies ViewChangeNotice)).catch(onError);
  };
}

/** Reads a notice, or null for anything else on the channel. */
export function parseViewChangeNotice(message: string): ViewChangeNotice | null {
  try {
    const n = JSON.parse(message) as Partial<ViewChangeNotice>;
    if (typeof n.c !== 'string' || !Array.isArray(n.ids) || !n.ids.every((id) => typeof id === 'string')) return null;
    return { c: n.c, ids: n.ids };
  } catch {
    return null;
  }
}

/**
 * Feeds a cache from the channel on its own connection (a subscribing connection can do
 * nothing else). The cache is on only between a confirmed subscription and the next sign of
 * trouble: any close, error or reconnect empties it, since notices may have been missed.
 */
export class ViewChangeSubscriber implements OnModuleInit, OnModuleDestroy {
  private redis: Redis | null = null;

  constructor(
    private readonly url: string,
    private readonly prefix: string,
    private readonly cache: ViewDocumentCache,
  ) {}

  onModuleInit(): void {
    this.start();
  }

  onModuleDestroy(): void {
    this.stop();
  }

  start(): void {
    if (this.redis) return;
    const redis = subscriberConnection(this.url, `${this.prefix}:view-changes`);
    this.redis = redis;
    const channel = viewChangesChannel(this.prefix);
    const off = () => this.cache.disable();
    redis.on('error', off);
    redis.on('close', off);
    redis.on('end', off);
    redis.on('reconnecting', off);
    redis.on('ready', () => {
      redis.subscribe(channel).then(
        () => redis.status === 'ready' && this.cache.enable(),
        off,
      );
    });
    redis.on('message', (ch: string, message: string) => {
      if (ch !== channel) return;
      const notice = parseViewChangeNotice(message);
      // Something on our channel we cannot read: we no longer know what changed, so start afresh.
      if (!notice) {
        this.cache.disable();
        if (redis.status === 'ready') this.cache.enable();
        return;
      }
      this.cache.changed(notice.c, notice.ids);
    });
  }

  stop(): void {
    this.cache.disable();
    this.redis?.disconnect();
    this.redis = null;
  }
}
