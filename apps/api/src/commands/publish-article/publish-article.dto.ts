import { IsOptionalNotNull, IsVisibleText, NestedObject } from '@app/platform';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, Length, Matches, MaxLength } from 'class-validator';
import { ARTICLE_ID } from '../../shared/ids';
import { ReplySettingsDto } from '../../shared/reply-settings.dto';

export class PublishArticleDto {
  @ApiPropertyOptional({ description: 'Defaults to a slug of the title' })
  @IsOptionalNotNull() @Matches(ARTICLE_ID, { message: 'id must be lowercase letters, digits and dashes' })
  id?: string;

  @ApiProperty() @IsString() @Length(1, 300) @IsVisibleText()
  title: string;

  @ApiProperty() @IsString() @Length(1, 200) @IsVisibleText()
  author: string;

  @ApiProperty() @IsString() @Length(1, 100) @IsVisibleText()
  category: string;

  @ApiProperty({ type: [String], description: 'Paragraphs of the article' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(500) @IsString({ each: true }) @MaxLength(20000, { each: true }) @IsVisibleText({ multiline: true, each: true })
  body: string[];

  @ApiPropertyOptional({ type: ReplySettingsDto })
  @IsOptionalNotNull() @NestedObject(() => ReplySettingsDto)
  settings?: ReplySettingsDto;
}
