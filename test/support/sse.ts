import http from 'node:http';

export interface SseEvent {
  id?: string;
  event: string;
  data: unknown;
}

export interface SseConnection {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The answer's body when it is not a stream (a problem). */
  body: string;
  events: SseEvent[];
  comments: string[];
  /** Resolves with the first event (seen or to come) that `match` accepts. */
  next(match: (e: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  close(): void;
}

/** A minimal EventSource for tests: GET with headers, parses events as they arrive. */
export function openSse(port: number, path: string, headers: Record<string, string> = {}): Promise<SseConnection> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      const events: SseEvent[] = [];
      const comments: string[] = [];
      const waiters: { match: (e: SseEvent) => boolean; done: (e: SseEvent) => void }[] = [];
      let buffer = '';
      const conn: SseConnection = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        body: '',
        events,
        comments,
        next: (match, timeoutMs = 20_000) => {
          const seen = events.find(match);
          if (seen) return Promise.resolve(seen);
          return new Promise((ok, fail) => {
            const timer = setTimeout(() => fail(new Error(`no matching event on ${path}; got ${JSON.stringify(events)}`)), timeoutMs);
            waiters.push({ match, done: (e) => (clearTimeout(timer), ok(e)) });
          });
        },
        close: () => req.destroy(),
      };
      res.setEncoding('utf8');
      if (!String(res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
        res.on('data', (c: string) => (conn.body += c));
        res.on('end', () => resolve(conn));
        return;
      }
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const e: SseEvent = { event: 'message', data: undefined };
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line === '') continue;
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else if (line.startsWith('id: ')) e.id = line.slice(4);
            else if (line.startsWith('event: ')) e.event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length === 0 && e.id === undefined) continue;
          e.data = JSON.parse(data.join('\n'));
          events.push(e);
          for (const w of [...waiters]) if (w.match(e)) waiters.splice(waiters.indexOf(w), 1), w.done(e);
        }
      });
      res.on('error', () => undefined);
      resolve(conn);
    });
    req.on('error', reject);
  });
}
