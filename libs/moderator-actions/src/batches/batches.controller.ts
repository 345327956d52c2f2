import { Actor } from '@app/domain';
import { Aggregates, Allow, Clock, CLOCK, CurrentActor } from '@app/platform';
import { Controller, Get, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { StreamConflictError } from '@app/event-store';
import { batchView } from './batch-view';

export class BatchIdParam {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('4', { message: 'id must be a batch id (a UUID)' })
  id: string;
}

@ApiTags('moderation')
@ApiBearerAuth()
@Controller('moderation/batches')
export class BatchesController {
  constructor(
    private readonly aggregates: Aggregates,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** A batch's progress and outcome: what it changed, left, could not do, and what its undo restored. */
  @Get(':id')
  @Allow('moderator')
  @ApiOkResponse({ description: '{batchId, action, state, progress, counts, changed, unchanged, failed, undo}' })
  async get(@Param() { id }: BatchIdParam, @Res({ passthrough: true }) res: { setHeader(k: string, v: string): void }) {
    res.setHeader('Cache-Control', 'no-store');
    return batchView((await this.aggregates.batch(id)).batch);
  }

  /**
   * Puts the replies the batch changed back where it found them, those nobody changed since; the
   * others are listed under `undo.changedSince`. Once per batch, after it has run; carried out by a job.
   */
  @Post(':id/undo')
  @Allow('moderator')
  @HttpCode(202)
  @ApiAcceptedResponse({ description: 'The batch, state `undoing`; Location: /moderation/batches/:id' })
  async undo(@Param() { id }: BatchIdParam, @CurrentActor() moderator: Actor, @Res({ passthrough: true }) res: { setHeader(k: string, v: string): void }) {
    for (let attempt = 0; ; attempt++) {
      const { batch, stream } = await this.aggregates.batch(id);
      batch.requestUndo(this.clock());
      try {
        await this.aggregates.store.append(stream, batch.pullEvents(), { actor: moderator, correlationId: id, causationId: null });
      } catch (error) {
        // The job recorded progress meanwhile: look again (a finished batch only changes by an undo).
        if (error instanceof StreamConflictError && attempt < 3) continue;
        throw error;
      }
      res.setHeader('Location', `/moderation/batches/${id}`);
      return batchView(batch);
    }
  }
}
