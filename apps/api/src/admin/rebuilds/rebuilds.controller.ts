import { Actor, ConflictError, NotFoundError } from '@app/domain';
import { addJobsWithin, ADMIN_QUEUE, Allow, AppConfig, CurrentActor, dropRetiredViewsJob, IsOptionalNotNull, MONGO_DB, ProblemException, rebuildJob } from '@app/platform';
import { FINISHED_REBUILD, liveProjections, RebuildCancellationDocument, RebuildCollections, RebuildConflictError, RebuildDocument, requestRebuild } from '@app/read-models';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsInt, IsUUID, Max, Min } from 'class-validator';
import type { mongo } from 'mongoose';
import { AdminQueue } from '../verifications/verifications.controller';

const PROJECTIONS = liveProjections().map((p) => p.name);
/** Rebuilds listed, newest first. */
const LISTED = 50;

export class RebuildDto {
  @ApiPropertyOptional({ enum: ['all', ...PROJECTIONS], default: 'all' })
  @IsOptionalNotNull() @IsIn(['all', ...PROJECTIONS], { message: `projection must be all or one of ${PROJECTIONS.join(', ')}` })
  projection?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 5_000, description: 'log entries per batch: larger is faster, smaller resumes closer after a crash (default: the workers\' REBUILD_BATCH_SIZE)' })
  @IsOptionalNotNull() @IsInt({ message: 'batchSize must be a whole number' }) @Min(1, { message: 'batchSize must be at least 1' }) @Max(5_000, { message: 'batchSize must be at most 5000' })
  batchSize?: number;
}

export class RebuildIdParam {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('4', { message: 'id must be a rebuild id (a UUID)' })
  id: string;
}

type Headers = { setHeader(k: string, v: string): void };
const view = ({ _id, ...r }: RebuildDocument) => ({ id: _id, ...r });

/**
 * Rebuilds of the views from the log, while readers keep reading (docs/decisions/0034). The API
 * records the rebuild and queues its job; a worker runs it. With Redis away the rebuild stays
 * recorded, and the workers queue it once they see it waiting.
 */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/rebuilds')
export class RebuildsController {
  constructor(
    @Inject(MONGO_DB) private readonly db: mongo.Db,
    private readonly admin: AdminQueue,
    private readonly config: AppConfig,
  ) {}

  private get rebuilds() {
    return this.db.collection<RebuildDocument>(RebuildCollections.rebuilds);
  }

  /** Rebuilds one projection's views, or all of them, into a new generation; readers move over at the head. */
  @Post()
  @Allow('admin')
  @HttpCode(202)
  @ApiAcceptedResponse({ description: '{id, state: "queued", targets, progress, ...}; Location: /admin/rebuilds/:id. 409 if one of them is already being rebuilt.' })
  async start(@Body() dto: RebuildDto, @CurrentActor() admin: Actor, @Res({ passthrough: true }) res: Headers) {
    const chosen = !dto.projection || dto.projection === 'all' ? liveProjections() : liveProjections().filter((p) => p.name === dto.projection);
    let doc: RebuildDocument;
    try {
      doc = await requestRebuild(this.db, chosen, { kind: admin.kind, id: admin.id }, dto.batchSize ?? null);
    } catch (error) {
      if (error instanceof RebuildConflictError) throw new ConflictError(`${error.message}; cancel it or wait for it to finish`);
      throw error;
    }
    await addJobsWithin(this.admin.queue, ADMIN_QUEUE, [rebuildJob(doc._id)], 3_000).catch(() => undefined);
    res.setHeader('Location', `/admin/rebuilds/${doc._id}`);
    return view(doc);
  }

  /** The latest rebuilds, newest first. */
  @Get()
  @Allow('admin')
  @ApiOkResponse({ description: '{rebuilds: [...]}, the latest 50' })
  async list(@Res({ passthrough: true }) res: Headers) {
    res.setHeader('Cache-Control', 'no-store');
    // Admin work on a small collection: the scan and the sort are cheap.
    const docs = await this.rebuilds.find({}).sort({ requestedAt: -1 }).limit(LISTED).toArray();
    return { rebuilds: docs.map(view) };
  }

  /** A rebuild's state and progress: log positions done of the head, events per second, time left. */
  @Get(':id')
  @Allow('admin')
  @ApiOkResponse({ description: '{id, state, progress: {done, total, eventsPerSecond, etaSeconds}, targets: [{projection, generation, state, position, head, events, previous, previousDropped}]}' })
  async get(@Param() { id }: RebuildIdParam, @Res({ passthrough: true }) res: Headers) {
    res.setHeader('Cache-Control', 'no-store');
    return view(await this.find(id));
  }

  /** Stops a rebuild before it flips: what it built is dropped, the live views stay as they were. */
  @Post(':id/cancel')
  @Allow('admin')
  @HttpCode(202)
  @ApiAcceptedResponse({ description: 'the run stops within a second or two; 409 if the rebuild has finished' })
  async cancel(@Param() { id }: RebuildIdParam, @CurrentActor() admin: Actor) {
    const doc = await this.find(id);
    if (FINISHED_REBUILD.includes(doc.state)) throw new ConflictError(`rebuild ${id} has already ${doc.state === 'done' ? 'finished' : doc.state === 'cancelled' ? 'been cancelled' : 'failed'}`);
    const cancellation: RebuildCancellationDocument = { _id: id, requestedBy: { kind: admin.kind, id: admin.id }, requestedAt: new Date() };
    await this.db
      .collection<RebuildCancellationDocument>(RebuildCollections.cancellations)
      .insertOne(cancellation)
      .catch((error: { code?: number }) => {
        if (error.code !== 11000) throw error; // asked twice: the first one stands
      });
    return { id, cancelRequested: true };
  }

  /** Drops now the views this rebuild replaced, instead of waiting for the delay and a clean verify. */
  @Delete(':id/retired-views')
  @Allow('admin')
  @HttpCode(202)
  @ApiAcceptedResponse({ description: 'a worker drops them; 409 if the rebuild has not flipped or they are gone already' })
  async dropRetired(@Param() { id }: RebuildIdParam) {
    const doc = await this.find(id);
    const retired = doc.targets.filter((t) => t.state === 'flipped' && t.previous !== null && !t.previousDropped);
    if (!FINISHED_REBUILD.includes(doc.state) || retired.length === 0) throw new ConflictError(`rebuild ${id} has no retired views to drop${FINISHED_REBUILD.includes(doc.state) ? '' : ' until it has finished'}`);
    // Every process has moved to the new views by then, and a projector still on the old ones has stopped.
    const safeAt = Math.max(...retired.map((t) => new Date(t.flippedAt ?? 0).getTime())) + this.config.retiredViewsGraceMs;
    if (Date.now() < safeAt) throw new ConflictError(`the views rebuild ${id} replaced may still be read for a few seconds; drop them after ${new Date(safeAt).toISOString()}`);
    await addJobsWithin(this.admin.queue, ADMIN_QUEUE, [dropRetiredViewsJob(id, true)], 3_000).catch(() => {
      throw new ProblemException(503, 'the job queue is unavailable; try again in a moment', undefined, { 'Retry-After': '5' });
    });
    return { id, dropping: retired.map((t) => ({ projection: t.projection, generation: t.previous })) };
  }

  private async find(id: string): Promise<RebuildDocument> {
    const doc = await this.rebuilds.findOne({ _id: id });
    if (!doc) throw new NotFoundError(`rebuild ${id} not found`);
    return doc;
  }
}
