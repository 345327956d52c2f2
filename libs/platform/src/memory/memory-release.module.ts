import { Module } from '@nestjs/common';
import { IdleMemoryRelease } from './idle-memory-release';
import { PROCESS_MEMORY, thisProcessMemory } from './process-memory';

const memoryReleaseProviders = [IdleMemoryRelease, { provide: PROCESS_MEMORY, useFactory: thisProcessMemory }];

/** Imported by the API and the worker (once per application, also when one process runs both). */
@Module({ providers: memoryReleaseProviders, exports: [IdleMemoryRelease] })
export class MemoryReleaseModule {}
