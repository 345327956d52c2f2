import { Injectable } from '@nestjs/common';
import type { mongo } from 'mongoose';
import { Counter } from 'prom-client';
import { METRIC_PREFIX, MetricsRegistry } from './metrics-registry';

/** The collection methods that send one command each (a cursor's later batches are not counted). */
const COUNTED = new Set(['insertOne', 'insertMany', 'findOne', 'find', 'replaceOne', 'updateOne', 'updateMany', 'findOneAndUpdate', 'deleteOne', 'deleteMany', 'countDocuments', 'aggregate', 'bulkWrite']);

/**
 * Store calls this process made, by collection method: with the request and work counters it
 * gives the store's cost per reply, and a flood shows which process asks the store for what.
 * Counted where the call is made (a property lookup and an increment), not from the driver's
 * command events, which would decode every reply a second time.
 */
@Injectable()
export class StoreCommands {
  readonly calls: Counter<'operation'>;

  constructor({ registry }: MetricsRegistry) {
    this.calls = new Counter({ name: `${METRIC_PREFIX}store_calls_total`, help: 'Calls this process made to the store, by collection method', labelNames: ['operation'], registers: [registry] });
  }

  /** The same database, counting each call as it is made. */
  counting(db: mongo.Db): mongo.Db {
    const count = (operation: string) => this.calls.inc({ operation });
    return new Proxy(db, {
      get(target, prop) {
        if (prop === 'collection') {
          return (name: string, options?: mongo.CollectionOptions) =>
            new Proxy(target.collection(name, options), {
              get(collection, method) {
                const value = Reflect.get(collection, method, collection);
                if (typeof value !== 'function') return value;
                if (typeof method !== 'string' || !COUNTED.has(method)) return value.bind(collection);
                return (...args: unknown[]) => {
                  count(method);
                  return value.apply(collection, args);
                };
              },
            });
        }
        const value = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }
}
