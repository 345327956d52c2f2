import { CommentersModule } from './commenters/commenters.module';
import { AppConfigModule } from './config/config.module';
import { MetricsModule } from './metrics/metrics.module';
import { MongoModule } from './mongo/mongo.module';
import { NetworkDataModule } from './network/network-data.module';
import { QueueModule } from './queues/queue.module';
import { RedisModule } from './redis/redis.module';
import { EventStoreModule } from './store/event-store.module';

/**
 * What both the API and the worker stand on: config, the stores, the queue, the event store,
 * commenters' ids and keys, the short-lived network data of submissions, and the metrics
 * registry with the counters the work increments.
 */
export const platformModules = [AppConfigModule, MongoModule, RedisModule, QueueModule, EventStoreModule, CommentersModule, NetworkDataModule, MetricsModule];
