import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Allow } from '../auth/access';
import { MetricsRegistry } from './metrics-registry';
import { ScrapeGauges } from './scrape-gauges';

@ApiTags('operators')
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsRegistry,
    private readonly gauges: ScrapeGauges,
  ) {}

  /** Takes no input: the scraper's token is checked by the access guard (docs/decisions/0035). */
  @Get()
  @Allow('scraper')
  @ApiOperation({ summary: 'Prometheus metrics: request rates and latencies, queue depths, consumer lag, sequencer and screening rates' })
  @ApiSecurity('bearer')
  @ApiProduces('text/plain')
  @ApiResponse({ status: 200, description: 'The Prometheus text format' })
  @ApiResponse({ status: 401, description: 'METRICS_TOKEN is set and the request does not carry it' })
  @ApiResponse({ status: 403, description: 'METRICS_TOKEN is unset and the request is not a direct one from loopback' })
  async scrape(@Res() res: { setHeader(name: string, value: string): void; send(body: string): void }): Promise<void> {
    await this.gauges.refresh();
    res.setHeader('Content-Type', this.metrics.contentType);
    // Each scrape is fresh: no proxy or browser may keep one.
    res.setHeader('Cache-Control', 'no-store');
    res.send(await this.metrics.text());
  }
}
