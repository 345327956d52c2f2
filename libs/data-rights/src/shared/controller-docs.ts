import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

/** A commenter as the log knows them: a random UUID, never a `sub` or an email. */
export class CommenterIdParam {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('4', { message: 'commenterId must be a commenter id (a UUID)' })
  commenterId: string;
}
