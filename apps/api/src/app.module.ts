import { AppConfig } from '@app/platform';
import { DynamicModule, Module } from '@nestjs/common';
import { WorkerModule } from '@app/workers';
import { ApiModule } from './api.module';

@Module({})
export class AppModule {
  /** The API, with the worker in the same process when RUN_WORKER says so (the local default). */
  static for(config: AppConfig): DynamicModule {
    return { module: AppModule, imports: config.RUN_WORKER ? [ApiModule, WorkerModule] : [ApiModule] };
  }
}
