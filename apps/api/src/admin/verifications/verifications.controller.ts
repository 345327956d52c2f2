import { Actor, NotFoundError } from '@app/domain';
import { addJobsWithin, ADMIN_QUEUE, AdminJob, Allow, AppConfig, CurrentActor, IsOptionalNotNull, MONGO_DB, ProblemException, VerificationDocument, VERIFICATIONS } from '@app/platform';
import { liveProjections } from '@app/read-models';
import { Body, Controller, Get, HttpCode, Inject, Injectable, OnApplicationShutdown, Param, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Queue } from 'bullmq';
import { IsIn, IsUUID } from 'class-validator';
import type { mongo } from 'mongoose';
import { randomUUID } from 'node:crypto';

const PROJECTIONS = liveProjections().map((p) => p.name);

export class VerifyDto {
  @ApiPropertyOptional({ enum: ['all', ...PROJECTIONS], default: 'all' })
  @IsOptionalNotNull() @IsIn(['all', ...PROJECTIONS], { message: `projection must be all or one of ${PROJECTIONS.join(', ')}` })
  projection?: string;
}

export class VerificationIdParam {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('4', { message: 'id must be a verification id (a UUID)' })
  id: string;
}

/** The API's handle on the `admin` queue: it only adds jobs; the workers run them. */
@Injectable()
export class AdminQueue implements OnApplicationShutdown {
  readonly queue: Queue;

  constructor(config: AppConfig) {
    this.queue = new Queue(ADMIN_QUEUE, { connection: { url: config.REDIS_URL, maxRetriesPerRequest: null }, prefix: config.QUEUE_PREFIX });
    this.queue.on('error', () => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close().catch(() => undefined);
  }
}

const view = ({ _id, ...v }: VerificationDocument) => ({ id: _id, ...v });

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/verifications')
export class VerificationsController {
  constructor(
    @Inject(MONGO_DB) private readonly db: mongo.Db,
    private readonly admin: AdminQueue,
  ) {}

  private get verifications() {
    return this.db.collection<VerificationDocument>(VERIFICATIONS);
  }

  /**
   * Rebuilds the views (all, or one projection's) into scratch collections and lists every
   * difference from the live ones: document, field, live and rebuilt value. Runs as a job.
   */
  @Post()
  @Allow('admin')
  @HttpCode(202)
  @ApiAcceptedResponse({ description: '{id, state: "queued", ...}; Location: /admin/verifications/:id' })
  async start(@Body() dto: VerifyDto, @CurrentActor() admin: Actor, @Res({ passthrough: true }) res: { setHeader(k: string, v: string): void }) {
    const doc: VerificationDocument = {
      _id: randomUUID(),
      projections: !dto.projection || dto.projection === 'all' ? PROJECTIONS : [dto.projection],
      state: 'queued',
      requestedBy: { kind: admin.kind, id: admin.id },
      requestedAt: new Date(),
      startedAt: null,
      finishedAt: null,
      checkedAt: null,
      documents: null,
      movedOn: null,
      differences: [],
      differenceCount: null,
      error: null,
    };
    await this.verifications.insertOne(doc);
    try {
      await addJobsWithin(this.admin.queue, ADMIN_QUEUE, [{ name: AdminJob.Verify, data: { verificationId: doc._id }, opts: { jobId: `verify-${doc._id}`, removeOnComplete: { age: 86_400 }, removeOnFail: { age: 86_400 } } }], 3_000);
    } catch {
      await this.verifications.updateOne({ _id: doc._id }, { $set: { state: 'failed', finishedAt: new Date(), error: 'the job queue (Redis) is unavailable' } });
      throw new ProblemException(503, 'the job queue is unavailable; try again in a moment', undefined, { 'Retry-After': '5' });
    }
    res.setHeader('Location', `/admin/verifications/${doc._id}`);
    return view(doc);
  }

  /** A verification's state and, once done, its report. */
  @Get(':id')
  @Allow('admin')
  @ApiOkResponse({ description: '{id, state, projections, checkedAt, documents, movedOn, differenceCount, differences: [{collection, id, field, live, rebuilt}]}' })
  async get(@Param() { id }: VerificationIdParam, @Res({ passthrough: true }) res: { setHeader(k: string, v: string): void }) {
    res.setHeader('Cache-Control', 'no-store');
    const doc = await this.verifications.findOne({ _id: id });
    if (!doc) throw new NotFoundError(`verification ${id} not found`);
    return view(doc);
  }
}
