import { IsVisibleText } from '@app/platform';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export class EraseCommenterDto {
  @ApiProperty({ description: 'The legal request this answers (its reference, not the person): kept in the log', maxLength: 500 })
  @IsString({ message: 'reason must be a string' })
  @MaxLength(500, { message: 'reason is at most 500 characters' })
  @IsVisibleText()
  reason: string;
}
