import { Allow } from '@app/platform';
import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { ListDeadLettersQuery } from './list-dead-letters.query';

export class ListDeadLettersDto {
  @ApiPropertyOptional({ enum: ['parked', 'resolved'] })
  @IsOptional() @IsIn(['parked', 'resolved'])
  status?: 'parked' | 'resolved';
}

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/dead-letters')
export class ListDeadLettersController {
  constructor(private readonly queries: QueryBus) {}

  /** Events a consumer set aside after they kept failing, with the error, newest first. */
  @Get()
  @Allow('admin')
  async list(@Query() q: ListDeadLettersDto) {
    const letters = await this.queries.execute(new ListDeadLettersQuery(q.status));
    return {
      items: letters.map((l) => ({
        id: l._id,
        consumer: l.consumer,
        articleId: l.partition,
        position: l.position,
        commitId: l.commitId,
        error: l.error,
        attempts: l.attempts,
        status: l.status,
        parkedAt: l.parkedAt,
        updatedAt: l.updatedAt,
      })),
    };
  }
}
