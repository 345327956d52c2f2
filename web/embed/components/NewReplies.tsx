import { plural } from '../format';

/**
 * Replies published since the page loaded wait here: the region keeps its height whether or
 * not the button shows, so nothing the reader is reading moves; screen readers hear the count.
 */
export function NewReplies({ count, onReveal }: { count: number; onReveal: () => void }) {
  return (
    <div class="new-replies" role="status" aria-live="polite">
      {count > 0 && (
        <button type="button" class="primary" onClick={onReveal}>
          Show {plural(count, 'new reply', 'new replies')}
        </button>
      )}
    </div>
  );
}
