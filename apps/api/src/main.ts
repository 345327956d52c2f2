import 'reflect-metadata';
import { AppConfig, ConfigError, configureHttp, loadConfig } from '@app/platform';
import { DynamicModule, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WorkerModule } from '../../worker/src/worker.module';
import { ApiModule } from './api.module';

/** The API, with the worker in the same process when RUN_WORKER says so (the local default). */
export function appModule(config: AppConfig): DynamicModule {
  @Module({})
  class AppModule {}
  return { module: AppModule, imports: config.RUN_WORKER ? [ApiModule, WorkerModule] : [ApiModule] };
}

async function main() {
  const config = loadConfig();
  const app = await NestFactory.create(appModule(config), { bodyParser: false });
  configureHttp(app, app.get(AppConfig));
  await app.listen(config.PORT, '0.0.0.0');
  new Logger('api').log(`listening on :${config.PORT}${config.RUN_WORKER ? ' with the worker' : ''}; OpenAPI at /docs`);
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
