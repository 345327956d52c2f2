import { Injectable } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Histogram } from 'prom-client';
import { METRIC_PREFIX, MetricsRegistry } from './metrics-registry';

/** What Express adds to a request once a route matched it. */
type RoutedRequest = IncomingMessage & { route?: { path?: unknown }; baseUrl?: string };

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Nest answers 404 from a catch-all route: its template names nothing. */
const CATCH_ALL = new Set(['{/*splat}', '/*splat', '*']);

/** The matched route's template (`/replies/:id`), never the URL: ids would make a series each. */
export function routeTemplate(req: RoutedRequest): string {
  const path = req.route?.path;
  if (typeof path !== 'string' || CATCH_ALL.has(path)) return 'unmatched';
  return `${req.baseUrl ?? ''}${path}` || '/';
}

/** Request rate and latency by method, route template and status class. */
@Injectable()
export class HttpMetrics {
  readonly requests: Histogram<'method' | 'route' | 'status_class'>;

  constructor({ registry }: MetricsRegistry) {
    this.requests = new Histogram({
      name: `${METRIC_PREFIX}http_request_duration_seconds`,
      help: 'HTTP requests by method, route template and status class, and how long their answers took',
      labelNames: ['method', 'route', 'status_class'],
      // Fine at the low end: the targets are a few milliseconds (docs/benchmarks.md).
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }

  /** Express middleware: observes each answer when it is finished (errors and refusals too). */
  middleware() {
    return (req: RoutedRequest, res: ServerResponse, next: () => void) => {
      const started = process.hrtime.bigint();
      res.once('finish', () => {
        // A live stream's "latency" is how long the reader stayed: it would only blur the histogram.
        if (String(res.getHeader('content-type') ?? '').startsWith('text/event-stream')) return;
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const method = req.method && METHODS.has(req.method) ? req.method : 'other';
        this.requests.observe({ method, route: routeTemplate(req), status_class: `${Math.floor(res.statusCode / 100)}xx` }, seconds);
      });
      next();
    };
  }
}
