import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Akismet's comment-check as a local server of the test's own: it answers by a marker in the text. */
export class FakeAkismet {
  /** Every comment-check received, as the form fields Akismet would read. */
  readonly checks: Record<string, string>[] = [];
  /** `answer`: "true" for a text holding SPAM_MARKER, else "false"; `fail`: 500 to everything. */
  mode: 'answer' | 'fail' = 'answer';
  private server: Server | null = null;

  static readonly SPAM_MARKER = 'akismet-test-spam-marker';

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  /** Checks of comments whose text holds `text`. */
  checksOf(text: string): Record<string, string>[] {
    return this.checks.filter((c) => c.comment_content?.includes(text));
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        if (req.method !== 'POST' || req.url !== '/1.1/comment-check') {
          res.writeHead(404).end();
          return;
        }
        const fields = Object.fromEntries(new URLSearchParams(body));
        this.checks.push(fields);
        if (this.mode === 'fail') {
          res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
          return;
        }
        res.writeHead(200, { 'content-type': 'text/plain' }).end(fields.comment_content?.includes(FakeAkismet.SPAM_MARKER) ? 'true' : 'false');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeAllConnections(); // the client's fetch keeps its connections alive
    await closed;
  }
}
