import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { ARTICLE_ID, REPLY_ID } from './ids';

export class ArticleIdParam {
  @ApiProperty({ example: 'showdown-in-los-angeles-mayors-attempt-to-halt-ice-raid-backfires' })
  @Matches(ARTICLE_ID, { message: 'id must be an article id: lowercase letters, digits and dashes' })
  id: string;
}

export class ReplyIdParam {
  @ApiProperty({ example: '5f1c0c7e9a2b4d6e8f0a1b2c' })
  @Matches(REPLY_ID, { message: 'id must be a reply id: 24 hexadecimal characters' })
  id: string;
}
