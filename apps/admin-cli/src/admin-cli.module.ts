import { platformModules } from '@app/platform';
import { Module } from '@nestjs/common';
import { AnnounceUnsequencedCommand } from './announce-unsequenced.command';
import { RebuildCommand } from './rebuild.command';
import { VerifyCommand } from './verify.command';

const adminCommands = [VerifyCommand, RebuildCommand, AnnounceUnsequencedCommand];

/** The admin command line: the store and the log, no HTTP and no workers. */
@Module({ imports: [...platformModules], providers: adminCommands })
export class AdminCliModule {}
