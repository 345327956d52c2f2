import { Module } from '@nestjs/common';
import { CommenterDataController } from './export-commenter-data/commenter-data.controller';
import { ExportCommenterDataHandler } from './export-commenter-data/export-commenter-data.handler';
import { MyDataController } from './export-commenter-data/my-data.controller';
import { EraseCommenterController } from './erase-commenter/erase-commenter.controller';
import { EraseCommenterHandler } from './erase-commenter/erase-commenter.handler';
import { EraseMeController } from './erase-commenter/erase-me.controller';
import { FindCommenterController } from './find-commenter/find-commenter.controller';
import { MyRepliesController } from './my-replies/my-replies.controller';
import { CommenterReplyList } from './shared/commenter-replies';
import { DataSubjects } from './shared/requester';

const dataRightsProviders = [DataSubjects, CommenterReplyList, EraseCommenterHandler, ExportCommenterDataHandler];
const dataRightsControllers = [MyRepliesController, MyDataController, EraseMeController, FindCommenterController, CommenterDataController, EraseCommenterController];

/** Readers' data rights over HTTP: export and erasure, for themselves and by admins on request. */
@Module({ controllers: dataRightsControllers, providers: dataRightsProviders })
export class DataRightsModule {}
