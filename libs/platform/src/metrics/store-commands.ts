import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { Counter } from 'prom-client';
import { MONGO_CONNECTION } from '../mongo/mongo.module';
import { METRIC_PREFIX, MetricsRegistry } from './metrics-registry';

/**
 * Store commands this process sent, by command name, from the driver's own command events:
 * with the request and work counters it gives the store's cost per reply, and a flood shows
 * which process asks the store for what.
 */
@Injectable()
export class StoreCommands implements OnModuleInit {
  readonly sent: Counter<'command'>;

  constructor(
    @Inject(MONGO_CONNECTION) private readonly connection: Connection,
    { registry }: MetricsRegistry,
  ) {
    this.sent = new Counter({ name: `${METRIC_PREFIX}store_commands_total`, help: 'Commands this process sent to the store, by command', labelNames: ['command'], registers: [registry] });
  }

  onModuleInit(): void {
    this.connection.getClient().on('commandStarted', (event) => this.sent.inc({ command: event.commandName }));
  }
}
