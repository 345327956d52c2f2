import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppConfig } from '../config/app-config';
import { Server } from 'node:http';
import { answerClientErrorsWithProblems } from './client-errors';
import { jsonLimits } from './json-limits';
import { HttpMetrics } from '../metrics/http-metrics';
import { requestIds } from '../logging/request-id';
import { logEarlyRefusals } from '../logging/early-refusals';
import { ProblemFilter } from './problem';
import { securityHeaders } from './security-headers';
import { embedCors } from './embed-cors';
import { strictValidationPipe } from './validation';

export const MAX_BODY_BYTES = 64 * 1024;

/** Request timing and ids, security headers, body limits, validation, problem+json errors, proxy trust and OpenAPI at /docs. */
export function configureHttp(app: INestApplication, config: AppConfig): void {
  const express = app as NestExpressApplication;
  express.set('trust proxy', config.trustProxy);
  express.disable('x-powered-by');
  // First: every request is timed and has its id, those refused by the middleware below included.
  express.use(app.get(HttpMetrics, { strict: false }).middleware());
  express.use(requestIds());
  express.use(logEarlyRefusals());
  // Before the rest, so every answer carries them, errors included.
  express.use(securityHeaders());
  // After helmet: an embedding site's origin gets CORS and a cross-origin resource policy.
  express.use(embedCors(config.embedOrigins));
  answerClientErrorsWithProblems(app.getHttpServer() as Server);
  // ETags here are stream versions, set by the handlers for If-Match; no body hashes.
  express.set('etag', false);
  // The app is created with bodyParser off so this limit is the only JSON parser.
  express.useBodyParser('json', { limit: MAX_BODY_BYTES, type: ['application/json', 'application/*+json'], strict: true });
  express.use(jsonLimits());
  app.useGlobalPipes(strictValidationPipe());
  app.useGlobalFilters(new ProblemFilter());
  app.enableShutdownHooks();

  const openApi = new DocumentBuilder()
    .setTitle('Reply section')
    .setDescription('Replies under news articles: readers, moderators and admins. Errors are application/problem+json.')
    .setVersion('0.1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openApi));
}
