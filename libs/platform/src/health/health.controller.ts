import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type Redis from 'ioredis';
import type { Connection } from 'mongoose';
import { LOG_READER, LogReader } from '@app/event-store';
import { Allow } from '../auth/access';
import { MONGO_CONNECTION } from '../mongo/mongo.module';
import { REDIS } from '../redis/redis.module';
import { consumerReports, withTimeout } from './consumer-report';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(MONGO_CONNECTION) private readonly mongo: Connection,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LOG_READER) private readonly log: LogReader,
  ) {}

  /**
   * Liveness is the answer itself. MongoDB down makes the service not ready (503). Redis down
   * only degrades it: replies are still accepted and flow on once Redis is back. A consumer with
   * a parked partition (dead letter) degrades it too, with every consumer's lag.
   */
  @Get()
  @Allow('anyone')
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness, and readiness of MongoDB and Redis' })
  check() {
    return this.health.check([
      async () => {
        const mongo = this.indicators.check('mongodb');
        try {
          await withTimeout(this.mongo.db!.command({ ping: 1 }), 2_000);
          return mongo.up();
        } catch (error) {
          return mongo.down({ message: (error as Error).message });
        }
      },
      async () => {
        const consumers = this.indicators.check('consumers');
        try {
          const { consumers: report } = await withTimeout(consumerReports(this.mongo.db!, this.log), 2_000);
          const parked = Object.values(report).filter((c) => c.parked.length > 0);
          return parked.length ? consumers.degraded(report) : consumers.up(report);
        } catch (error) {
          return consumers.degraded({ message: (error as Error).message });
        }
      },
      async () => {
        const redis = this.indicators.check('redis');
        try {
          await withTimeout(this.redis.ping(), 1_000);
          return redis.up();
        } catch (error) {
          return redis.degraded({ message: (error as Error).message });
        }
      },
    ]);
  }
}
