import { MAX_REPLY_LENGTH } from '@app/domain';
import { IsOptionalNotNull, IsVisibleText, NestedObject } from '@app/platform';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsString, Length, Matches, MaxLength } from 'class-validator';
import { REPLY_ID } from '../../shared/ids';

export class GuestAuthorDto {
  @ApiProperty({ example: 'Dana' }) @IsString() @Length(1, 80) @IsVisibleText()
  name: string;

  @ApiProperty({ example: 'dana@example.org', description: 'Stored only as a keyed hash' })
  @IsString() @IsEmail({}, { message: 'email must be an email address' }) @MaxLength(254)
  email: string;
}

export class SubmitReplyDto {
  @ApiProperty({ description: `Plain text, 1 to ${MAX_REPLY_LENGTH} characters; something visible, no control characters but tab and line breaks`, example: 'Thanks for the reporting.' })
  @IsString() @MaxLength(MAX_REPLY_LENGTH) @IsVisibleText({ multiline: true })
  body: string;

  @ApiPropertyOptional({ description: 'The reply this answers' })
  @IsOptionalNotNull() @Matches(REPLY_ID, { message: 'parentId must be a reply id' })
  parentId?: string;

  @ApiPropertyOptional({ type: GuestAuthorDto, description: 'For guests only: who is writing' })
  @IsOptionalNotNull() @NestedObject(() => GuestAuthorDto)
  author?: GuestAuthorDto;

  /** The honeypot: forms hide it, so only bots fill it. A filled one is held quietly, never refused. */
  @ApiPropertyOptional({ description: 'Optional; leave empty', maxLength: 500 })
  @IsOptionalNotNull() @IsString() @MaxLength(500)
  website?: string;
}
