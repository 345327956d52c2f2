import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BULL_BOARD_INSTANCE, BullBoardInstance, BullBoardModule } from '@bull-board/nestjs';
import { AppConfig, LOG_QUEUE_TOKEN } from '@app/platform';
import { SPAM_QUEUE } from '@app/screening';
import { Inject, Injectable, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import { TicketsModule } from '../../shared/tickets.module';
import { TicketService } from '../../shared/tickets';
import { dashboardGate } from './dashboard-gate';
import { DASHBOARD_ROUTE, DashboardSession } from './dashboard-session';
import { IssueDashboardTicketController } from './issue-dashboard-ticket.controller';

/**
 * Every BullMQ queue the system has: `log` (wake-ups of the sequencer and the projectors) and
 * `spam` (screening jobs). The API holds no spam worker: a plain Queue handle is enough to show it.
 */
@Injectable()
class DashboardQueues implements OnModuleInit, OnApplicationShutdown {
  private spam: Queue | null = null;

  constructor(
    @Inject(BULL_BOARD_INSTANCE) private readonly board: BullBoardInstance,
    @Inject(LOG_QUEUE_TOKEN) private readonly log: Queue,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.spam = new Queue(SPAM_QUEUE, { connection: { url: this.config.REDIS_URL, maxRetriesPerRequest: null }, prefix: this.config.QUEUE_PREFIX });
    this.spam.on('error', () => undefined);
    this.board.setQueues([new BullMQAdapter(this.log), new BullMQAdapter(this.spam)]);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.spam?.close().catch(() => undefined);
  }
}

/** The BullMQ dashboard at /admin/queues, for admins, behind its own ticket and cookie gate. */
@Module({
  imports: [
    TicketsModule,
    BullBoardModule.forRootAsync({
      imports: [TicketsModule],
      inject: [TicketService, AppConfig],
      useFactory: (tickets: TicketService, config: AppConfig) => ({
        route: DASHBOARD_ROUTE,
        adapter: ExpressAdapter,
        middleware: dashboardGate(tickets, new DashboardSession(config.HASH_KEY)),
        boardOptions: { uiConfig: { boardTitle: 'Reply section queues' } },
      }),
    }),
  ],
  controllers: [IssueDashboardTicketController],
  providers: [DashboardQueues],
})
export class QueuesDashboardModule {}
