import { Global, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { AppConfig } from '../config/app-config';
import { httpLogOptions } from './log-options';

/** Where the JSON lines go: standard output unless a test puts its own stream here. */
export const LOG_DESTINATION = Symbol('LOG_DESTINATION');

const destinationProviders = [{ provide: LOG_DESTINATION, useValue: null }];

@Global()
@Module({ providers: destinationProviders, exports: destinationProviders })
class LogDestinationModule {}

/**
 * Structured JSON logs (nestjs-pino): a line per request with its id, and every Nest Logger
 * call, inside a request carrying that request's id. The processes hand Nest's logger over to
 * it at start (`app.useLogger(app.get(Logger))`).
 */
@Module({
  imports: [
    LogDestinationModule,
    LoggerModule.forRootAsync({
      inject: [AppConfig, LOG_DESTINATION],
      useFactory: (config: AppConfig, destination: DestinationStream | null) => {
        const options = httpLogOptions(config.LOG_LEVEL);
        return { pinoHttp: destination ? [options, destination] : options };
      },
    }),
  ],
})
export class LoggingModule {}
