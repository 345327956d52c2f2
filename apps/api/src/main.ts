import '../../../libs/platform/src/runtime/check-node-version';
import 'reflect-metadata';
import { AppConfig, ConfigError, configureHttp, loadConfig } from '@app/platform';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';

async function main() {
  const config = loadConfig();
  // Buffered until pino takes over, so even the first lines are JSON.
  const app = await NestFactory.create(AppModule.for(config), { bodyParser: false, bufferLogs: true });
  const logger = app.get(Logger);
  app.useLogger(logger);
  configureHttp(app, app.get(AppConfig));
  await app.listen(config.PORT, '0.0.0.0');
  logger.log(`listening on :${config.PORT}${config.RUN_WORKER ? ' with the worker' : ''}; OpenAPI at /docs`, 'api');
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
