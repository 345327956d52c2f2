import '../../../libs/platform/src/runtime/check-node-version';
import 'reflect-metadata';
import { ConfigError } from '@app/platform';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WorkerModule } from '@app/workers';

async function main() {
  const app = await NestFactory.createApplicationContext(WorkerModule);
  app.enableShutdownHooks();
  new Logger('worker').log('sequencer and projectors running');
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
