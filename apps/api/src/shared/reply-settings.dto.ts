import { IsOptionalNotNull } from '@app/platform';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, Max, Min } from 'class-validator';

/** Every setting may be left out (unchanged or the default); none may be null. */
export class ReplySettingsDto {
  @ApiPropertyOptional() @IsOptionalNotNull() @IsBoolean()
  open?: boolean;

  @ApiPropertyOptional() @IsOptionalNotNull() @IsBoolean()
  guestsAllowed?: boolean;

  @ApiPropertyOptional({ enum: ['pre', 'post'] }) @IsOptionalNotNull() @IsIn(['pre', 'post'])
  moderation?: 'pre' | 'post';

  @ApiPropertyOptional({ minimum: 0, maximum: 10080 }) @IsOptionalNotNull() @IsInt() @Min(0) @Max(10080)
  editWindowMinutes?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 10 }) @IsOptionalNotNull() @IsInt() @Min(1) @Max(10)
  maxDepth?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 3650, description: 'Replies close by themselves this many days after publication; 0: never' })
  @IsOptionalNotNull() @IsInt() @Min(0) @Max(3650)
  autoCloseAfterDays?: number;
}
