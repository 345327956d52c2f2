import { Allow } from '@app/platform';
import { Controller, Get, Param, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CommenterIdParam } from '../shared/controller-docs';
import { ExportCommenterDataQuery } from './export-commenter-data.query';

@ApiTags('data rights')
@ApiBearerAuth()
@Controller('admin/commenters')
export class CommenterDataController {
  constructor(private readonly queries: QueryBus) {}

  /** The same export a commenter gets, for an admin answering a request on their behalf. */
  @Get(':commenterId/data')
  @Allow('admin')
  @ApiOkResponse({ description: '{commenterId, exportedAt, replies: [...]}' })
  async export(@Param() { commenterId }: CommenterIdParam, @Res({ passthrough: true }) res: { setHeader(k: string, v: string): void }) {
    res.setHeader('Cache-Control', 'no-store');
    return this.queries.execute(new ExportCommenterDataQuery([commenterId]));
  }
}
