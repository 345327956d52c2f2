import { AppConfig } from '@app/platform';
import { DynamicModule, Module } from '@nestjs/common';
import { WorkerModule } from '@app/workers';
import { ApiModule } from './api.module';
import { DevSignInModule } from './commands/dev-sign-in/dev-sign-in.module';

@Module({})
export class AppModule {
  /**
   * The API, with the worker in the same process when RUN_WORKER says so (the local default),
   * and the console's development sign-in only when DEV_SIGN_IN says so.
   */
  static for(config: AppConfig): DynamicModule {
    return { module: AppModule, imports: [ApiModule, ...(config.RUN_WORKER ? [WorkerModule] : []), ...(config.DEV_SIGN_IN ? [DevSignInModule] : [])] };
  }
}
