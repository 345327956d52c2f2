import { IsOptionalNotNull, IsVisibleText, NestedObject } from '@app/platform';
import { POLICY_LIMITS } from '@app/moderation';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsDefined, IsIn, IsInt, IsNumber, IsString, Max, MaxLength, Min } from 'class-validator';

/** The shapes and ranges; the cross-field rules (hold below reject, no word in both lists) are the domain's. */
export class PolicyWordsDto {
  @ApiProperty({ type: [String], description: 'Replies using one of these are rejected; `*` at an edge matches more letters there' })
  @IsDefined() @IsArray() @ArrayMaxSize(POLICY_LIMITS.wordsPerList) @IsString({ each: true }) @MaxLength(POLICY_LIMITS.wordLength, { each: true })
  banned: string[];

  @ApiProperty({ type: [String], description: 'Replies using one of these are held for a moderator' })
  @IsDefined() @IsArray() @ArrayMaxSize(POLICY_LIMITS.wordsPerList) @IsString({ each: true }) @MaxLength(POLICY_LIMITS.wordLength, { each: true })
  suspect: string[];
}

export class PolicyThresholdsDto {
  @ApiProperty({ minimum: 0, maximum: 1, description: 'A spam score at or above this holds the reply' }) @IsDefined() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(1)
  hold: number;

  @ApiProperty({ minimum: 0, maximum: 1, description: 'A spam score at or above this marks it spam' }) @IsDefined() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(1)
  reject: number;
}

export class PolicyLinksDto {
  @ApiProperty({ minimum: 0, maximum: POLICY_LIMITS.links }) @IsDefined() @IsInt() @Min(0) @Max(POLICY_LIMITS.links)
  max: number;
}

export class PolicyVelocityDto {
  @ApiProperty({ minimum: 1, maximum: POLICY_LIMITS.perMinute }) @IsDefined() @IsInt() @Min(1) @Max(POLICY_LIMITS.perMinute)
  perCommenterPerMinute: number;

  @ApiProperty({ minimum: 1, maximum: POLICY_LIMITS.perMinute }) @IsDefined() @IsInt() @Min(1) @Max(POLICY_LIMITS.perMinute)
  perNetworkPerMinute: number;
}

export class PolicyRepetitionDto {
  @ApiProperty({ minimum: 1, maximum: POLICY_LIMITS.sameText }) @IsDefined() @IsInt() @Min(1) @Max(POLICY_LIMITS.sameText)
  maxSameText: number;
}

export class PolicyFlagsDto {
  @ApiProperty({ minimum: 1, maximum: POLICY_LIMITS.flags, description: 'Reader flags that put a reply in the reported queue' }) @IsDefined() @IsInt() @Min(1) @Max(POLICY_LIMITS.flags)
  threshold: number;

  @ApiProperty({ description: 'Take a published reply down from the thread once it reaches the threshold, until a moderator decides' }) @IsDefined() @IsBoolean()
  hideAtThreshold: boolean;
}

/** The whole policy: a PUT replaces it, so every field is required. */
export class PolicyDto {
  @ApiProperty({ type: PolicyWordsDto }) @IsDefined() @NestedObject(() => PolicyWordsDto)
  words: PolicyWordsDto;

  @ApiProperty({ type: PolicyThresholdsDto }) @IsDefined() @NestedObject(() => PolicyThresholdsDto)
  thresholds: PolicyThresholdsDto;

  @ApiProperty({ type: PolicyLinksDto }) @IsDefined() @NestedObject(() => PolicyLinksDto)
  links: PolicyLinksDto;

  @ApiProperty({ type: PolicyVelocityDto }) @IsDefined() @NestedObject(() => PolicyVelocityDto)
  velocity: PolicyVelocityDto;

  @ApiProperty({ type: PolicyRepetitionDto }) @IsDefined() @NestedObject(() => PolicyRepetitionDto)
  repetition: PolicyRepetitionDto;

  @ApiProperty({ type: PolicyFlagsDto }) @IsDefined() @NestedObject(() => PolicyFlagsDto)
  flags: PolicyFlagsDto;

  @ApiProperty({ enum: ['pre', 'post'], description: 'Moderation mode of articles published without one' }) @IsDefined() @IsIn(['pre', 'post'])
  defaultMode: 'pre' | 'post';

  @ApiPropertyOptional({ maxLength: 500, description: 'Why it changed: kept in the policy history' })
  @IsOptionalNotNull() @IsString() @MaxLength(500) @IsVisibleText()
  reason?: string;
}
