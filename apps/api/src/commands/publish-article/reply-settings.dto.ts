import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

export class ReplySettingsDto {
  @ApiPropertyOptional() @IsOptional() @IsBoolean()
  open?: boolean;

  @ApiPropertyOptional() @IsOptional() @IsBoolean()
  guestsAllowed?: boolean;

  @ApiPropertyOptional({ enum: ['pre', 'post'] }) @IsOptional() @IsIn(['pre', 'post'])
  moderation?: 'pre' | 'post';

  @ApiPropertyOptional({ minimum: 0, maximum: 10080 }) @IsOptional() @IsInt() @Min(0) @Max(10080)
  editWindowMinutes?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 10 }) @IsOptional() @IsInt() @Min(1) @Max(10)
  maxDepth?: number;
}
