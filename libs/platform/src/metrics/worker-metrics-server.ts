import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AppConfig } from '../config/app-config';
import { problemOf } from '../http/problem';
import { scrapeVerdict } from './metrics-access';
import { MetricsRegistry } from './metrics-registry';

/**
 * A worker process's own /metrics on WORKER_METRICS_PORT (off at 0): its sequencer and
 * screening counters live in its memory. A bare node:http server: a worker has no HTTP
 * stack, and this one answers one path under the same access rule as the API's.
 */
@Injectable()
export class WorkerMetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: Server | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly metrics: MetricsRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.WORKER_METRICS_PORT;
    if (!port) return;
    this.metrics.collectProcessMetrics();
    const server = (this.server = createServer((req, res) => void this.answer(req, res)));
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '0.0.0.0', () => resolve()));
    new Logger('worker').log(`metrics on :${port}/metrics`);
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const problem = (status: number, detail: string) => {
      res.writeHead(status, { 'content-type': 'application/problem+json', 'cache-control': 'no-store' }).end(JSON.stringify(problemOf(status, detail)));
    };
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics') return problem(404, 'only /metrics is served here');
    if (req.method !== 'GET' && req.method !== 'HEAD') return problem(405, 'GET /metrics');
    const verdict = scrapeVerdict(this.config.METRICS_TOKEN, { headers: req.headers, socketAddress: req.socket.remoteAddress });
    if (!verdict.allowed) return problem(verdict.status, verdict.detail);
    try {
      const text = await this.metrics.text();
      res.writeHead(200, { 'content-type': this.metrics.contentType, 'cache-control': 'no-store' }).end(req.method === 'HEAD' ? undefined : text);
    } catch (error) {
      problem(500, (error as Error).message);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
