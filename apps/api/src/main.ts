import '../../../libs/platform/src/runtime/check-node-version';
import 'reflect-metadata';
import { AppConfig, ConfigError, configureHttp, loadConfig } from '@app/platform';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

async function main() {
  const config = loadConfig();
  const app = await NestFactory.create(AppModule.for(config), { bodyParser: false });
  configureHttp(app, app.get(AppConfig));
  await app.listen(config.PORT, '0.0.0.0');
  new Logger('api').log(`listening on :${config.PORT}${config.RUN_WORKER ? ' with the worker' : ''}; OpenAPI at /docs`);
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
