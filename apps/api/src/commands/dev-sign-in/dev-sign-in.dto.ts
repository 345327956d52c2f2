import { ROLE_RANK, Role } from '@app/platform';
import { IsVisibleText } from '@app/platform';
import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Matches, MaxLength, MinLength } from 'class-validator';

const ROLES = Object.keys(ROLE_RANK) as Role[];

export class DevSignInDto {
  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES, { message: `role must be one of ${ROLES.join(', ')}` })
  role: Role;

  @ApiProperty({ description: 'The name shown in the moderation log; the token subject is made from it', maxLength: 60 })
  @IsString() @MinLength(1) @MaxLength(60) @IsVisibleText()
  @Matches(/^[\p{L}\p{M}\p{N} ._'-]+$/u, { message: 'name may hold letters, digits, spaces and . _ \' - only' })
  name: string;
}
