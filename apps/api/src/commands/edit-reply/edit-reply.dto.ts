import { MAX_REPLY_LENGTH } from '@app/domain';
import { IsVisibleText } from '@app/platform';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export class EditReplyDto {
  @ApiProperty({ description: `Plain text, 1 to ${MAX_REPLY_LENGTH} characters; something visible, no control characters but tab and line breaks` })
  @IsString() @MaxLength(MAX_REPLY_LENGTH) @IsVisibleText({ multiline: true })
  body: string;
}
