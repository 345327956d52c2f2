import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, ConsoleApi, QueueChange } from './api';

export type LiveState = 'connecting' | 'open' | 'reconnecting';

/**
 * Follows GET /moderation/stream (a ticket first: EventSource cannot send the token). After an
 * error it reconnects with a new ticket, resuming after the last event it saw; a `reset` (too
 * far behind) asks the caller to reload what it shows.
 */
export function useModerationStream(api: ConsoleApi, onChange: (c: QueueChange) => void, onReset: () => void, onUnauthorized: () => void): LiveState {
  const [state, setState] = useState<LiveState>('connecting');
  const handlers = useRef({ onChange, onReset, onUnauthorized });
  handlers.current = { onChange, onReset, onUnauthorized };

  useEffect(() => {
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let stopped = false;
    let lastEventId: string | null = null;
    let delay = 1000;

    const connect = async () => {
      let ticket: string;
      try {
        ticket = (await api.streamTicket()).ticket;
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return handlers.current.onUnauthorized();
        return retry();
      }
      if (stopped) return;
      const url = `/moderation/stream?ticket=${encodeURIComponent(ticket)}${lastEventId ? `&lastEventId=${encodeURIComponent(lastEventId)}` : ''}`;
      source = new EventSource(url);
      source.onopen = () => {
        delay = 1000;
        setState('open');
        // What changed before the stream opened (or while it was down, before the first event
        // gave us a position to resume from) never arrives: reload what is shown.
        handlers.current.onReset();
      };
      source.addEventListener('queue', (e) => {
        const message = e as MessageEvent<string>;
        if (message.lastEventId) lastEventId = message.lastEventId;
        try {
          handlers.current.onChange(JSON.parse(message.data) as QueueChange);
        } catch {
          /* a malformed event changes nothing; the next refresh shows the truth */
        }
      });
      source.addEventListener('reset', (e) => {
        const message = e as MessageEvent<string>;
        if (message.lastEventId) lastEventId = message.lastEventId;
        handlers.current.onReset();
      });
      source.onerror = () => {
        // The ticket is spent once the stream opened: reconnect ourselves with a fresh one.
        source?.close();
        source = null;
        retry();
      };
    };
    const retry = () => {
      if (stopped) return;
      setState('reconnecting');
      timer = setTimeout(() => void connect(), delay);
      delay = Math.min(delay * 2, 15_000);
    };

    void connect();
    return () => {
      stopped = true;
      source?.close();
      if (timer) clearTimeout(timer);
    };
  }, [api]);

  return state;
}
