import { MAX_REPLY_LENGTH } from '@app/domain';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';

export class EditReplyDto {
  @ApiProperty({ description: `Plain text, 1 to ${MAX_REPLY_LENGTH} characters` })
  @IsString() @MaxLength(MAX_REPLY_LENGTH) @Matches(/\S/, { message: 'body must not be empty' })
  body: string;
}
