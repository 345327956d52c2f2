import { Logger } from '@nestjs/common';

/**
 * A sweep that runs every so often, never two passes at once; a failed pass is logged and the
 * next one tries again. Shutdown waits for the pass under way.
 */
export class Periodic {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly pass: () => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  start(everyMs: number): void {
    this.timer = setInterval(() => void (this.running ??= this.pass().catch((e) => this.logger.warn(`sweep: ${(e as Error).message}`)).finally(() => (this.running = null))), everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
