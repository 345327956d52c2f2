import { Ref } from 'preact';
import { ago } from '../../embed/format';
import { Queue, QueueItem } from '../api';

export const reasonText = (r: { code: string; detail?: string }) => (r.detail ? `${r.code}: ${r.detail}` : r.code);

/** One queue's items: focusable in order (j/k or Tab), each with a checkbox to select it for a bulk action. */
export function QueueList(props: {
  listRef: Ref<HTMLUListElement>;
  queue: Queue;
  items: QueueItem[];
  loading: boolean;
  error: string | null;
  focusId: string | null;
  selected: Set<string>;
  gone: Map<string, string>;
  hasMore: boolean;
  onFocus: (id: string) => void;
  onToggle: (id: string) => void;
  onMore: () => void;
}) {
  const { items, focusId, selected, gone } = props;
  return (
    <section class="list" aria-label={`${props.queue} replies`}>
      {props.error && (
        <p class="error" role="alert">
          {props.error}
        </p>
      )}
      {props.loading && items.length === 0 && <p class="empty">Loading…</p>}
      {!props.loading && items.length === 0 && !props.error && <p class="empty">Nothing waits in this queue.</p>}
      <ul ref={props.listRef}>
        {items.map((item) => {
          const left = gone.get(item.id);
          return (
            <li key={item.id}>
              <article
                class={`item${item.id === focusId ? ' focused' : ''}${left ? ' gone' : ''}`}
                data-reply-id={item.id}
                tabIndex={item.id === focusId || (!focusId && item === items[0]) ? 0 : -1}
                aria-current={item.id === focusId ? 'true' : undefined}
                aria-label={`Reply by ${item.authorName ?? 'unknown'}: ${item.excerpt.slice(0, 80)}`}
                onFocus={() => item.id !== focusId && props.onFocus(item.id)}
                onClick={() => props.onFocus(item.id)}
              >
                <input type="checkbox" checked={selected.has(item.id)} onChange={() => props.onToggle(item.id)} aria-label={`Select the reply by ${item.authorName ?? 'unknown'}`} onClick={(e) => e.stopPropagation()} />
                <div class="item-body">
                  <p class="meta">
                    <strong>{item.authorName ?? 'Unknown'}</strong> on <span class="article">{item.articleId}</span> · {ago(item.enteredAt)}
                    {item.score !== null && item.score !== undefined && <span class="score"> · score {item.score.toFixed(2)}</span>}
                  </p>
                  <p class="excerpt">{item.excerpt}</p>
                  {item.reasons.length > 0 && (
                    <ul class="reasons" aria-label="Why it is here">
                      {item.reasons.map((r, i) => (
                        <li key={i}>{reasonText(r)}</li>
                      ))}
                    </ul>
                  )}
                  {left && <p class="left">No longer in this queue: now {left}.</p>}
                </div>
              </article>
            </li>
          );
        })}
      </ul>
      {props.hasMore && (
        <button type="button" class="more" onClick={props.onMore}>
          Load more
        </button>
      )}
    </section>
  );
}
