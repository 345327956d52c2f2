import { ProblemException } from '@app/platform';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { POSITION } from './live-feed';

const POSITION_RULE = 'lastEventId must be a log position: a whole number of at most 15 digits';

/** `?lastEventId=`: for a client that opens a new EventSource (a new ticket) where it left off. */
export class ResumeQuery {
  @ApiPropertyOptional({ description: 'Resume after this log position (the id of the last event received). The Last-Event-ID header, which EventSource sends on reconnect, wins.', example: '1042' })
  @IsOptional() @IsString() @Matches(POSITION, { message: POSITION_RULE })
  lastEventId?: string;
}

/** The position to resume after: the Last-Event-ID header, else `?lastEventId=`, else none (start at the log's end). */
export function resumePosition(header: string | undefined, query: string | undefined): number | null {
  const value = header !== undefined && header !== '' ? header : query;
  if (value === undefined) return null;
  if (!POSITION.test(value)) throw new ProblemException(400, 'invalid input: Last-Event-ID', [{ field: 'Last-Event-ID', message: POSITION_RULE }]);
  return Number(value);
}
