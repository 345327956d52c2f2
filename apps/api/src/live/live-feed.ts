import { LogEntry, LogReader } from '@app/event-store';
import { MessageEvent } from '@nestjs/common';
import { interval, map, merge, Observable } from 'rxjs';
import { LogTailer } from './log-tailer';

/** A client further behind than this is told to reload (`reset`) instead of being streamed its backlog. */
export const RESUME_LIMIT = 1000;
/** A comment line this often keeps proxies and load balancers from closing a quiet stream. */
export const HEARTBEAT_MS = 15_000;

/** What one log entry means to one stream: an event to send (its id is the entry's position), or nothing. */
export type Render = (entry: LogEntry) => Promise<Omit<MessageEvent, 'id'> | null>;

export interface FeedOptions {
  /** The last position the client has (Last-Event-ID), or null for a new client. */
  lastEventId: number | null;
  render: Render;
}

/**
 * One client's stream: its backlog after `lastEventId` read from the log, then the shared
 * tailer's entries, each position at most once and in order, so a reconnect neither misses
 * nor repeats an entry. Every event's id is its log position. A client more than
 * RESUME_LIMIT entries behind (or claiming a position the log does not have) gets a `reset`
 * carrying the position it now stands at, and is streamed from there.
 */
export function follow(tailer: LogTailer, reader: LogReader, { lastEventId, render }: FeedOptions): Observable<MessageEvent> {
  const events = new Observable<MessageEvent>((subscriber) => {
    let closed = false;
    let leave = () => undefined as void;
    /** The last position this client has been given (or skipped as irrelevant to it). */
    let cursor = 0;
    let chain: Promise<void> = Promise.resolve();
    let backlogDone = false;
    const held: LogEntry[][] = [];

    const send = async (entries: LogEntry[]) => {
      for (const entry of entries) {
        if (closed) return;
        if (entry.position <= cursor) continue;
        const message = await render(entry);
        if (closed) return;
        cursor = entry.position;
        if (message) subscriber.next({ ...message, id: String(entry.position) });
      }
    };
    // Entries go out one batch after another, never interleaved, whatever rendering awaits.
    const enqueue = (work: () => Promise<void>) => {
      chain = chain.then(work).catch((error) => {
        if (!closed) subscriber.error(error);
      });
    };
    const reset = (at: number, reason: string) => {
      cursor = at;
      subscriber.next({ type: 'reset', id: String(at), data: { position: at, reason } });
    };

    const listener = (entries: LogEntry[]) => (backlogDone ? enqueue(() => send(entries)) : held.push(entries));

    tailer.join(listener).then(
      (membership) => {
        leave = membership.leave;
        if (closed) return leave();
        const joined = membership.after;
        cursor = lastEventId ?? joined;
        // Headers go out with the first write: tell the client at once where it stands.
        subscriber.next({ comment: `live from ${cursor}` });
        enqueue(async () => {
          if (lastEventId === null) return;
          if (lastEventId > joined) {
            // Ahead of this process's tailer (another replica's was further): fine if the log has it.
            const [probe] = await reader.readAfter(lastEventId - 1, 1);
            if (probe?.position !== lastEventId) reset(joined, 'Last-Event-ID is not a position in the log: reload');
            return;
          }
          if (joined - lastEventId > RESUME_LIMIT) return reset(joined, `more than ${RESUME_LIMIT} entries behind: reload`);
          let at = lastEventId;
          while (at < joined && !closed) {
            const batch = (await reader.readAfter(at, 100)).filter((e) => e.position <= joined);
            if (batch.length === 0) break;
            await send(batch);
            at = batch[batch.length - 1].position;
          }
          cursor = Math.max(cursor, joined);
        });
        enqueue(async () => {
          backlogDone = true;
          for (const entries of held.splice(0)) enqueue(() => send(entries));
        });
      },
      (error) => subscriber.error(error),
    );

    return () => {
      closed = true;
      leave();
    };
  });
  return merge(events, interval(HEARTBEAT_MS).pipe(map((): MessageEvent => ({ comment: 'keep-alive' }))));
}

/** A log position as a client sends it back. */
export const POSITION = /^(0|[1-9][0-9]{0,14})$/;

