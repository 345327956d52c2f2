import { useContext, useState } from 'preact/hooks';
import { ApiError, Reaction, REACTIONS } from '../api';
import { SectionContext } from '../context';

const LABELS: Record<Reaction, string> = { like: 'Like', insightful: 'Insightful', funny: 'Funny' };

/** Counts per reaction; signed-in readers toggle theirs on others' replies. */
export function Reactions({ replyId, own }: { replyId: string; own: boolean }) {
  const s = useContext(SectionContext);
  const node = s.model.nodes.get(replyId);
  const [mine, setMine] = useState<Set<Reaction>>(new Set());
  if (!node || node.reply.status !== 'published') return null;
  const counts = node.reply.reactions ?? { like: 0, insightful: 0, funny: 0 };
  const can = s.token !== null && !own;

  const toggle = async (type: Reaction) => {
    const on = !mine.has(type);
    try {
      const changed = await s.api.react(replyId, type, on, { token: s.token });
      const next = new Set(mine);
      if (on) next.add(type);
      else next.delete(type);
      setMine(next);
      s.model.update(replyId, (n) => {
        const c = { ...counts };
        // A reaction the reader already had (from another visit) is not counted twice.
        if (changed) c[type] = Math.max(0, c[type] + (on ? 1 : -1));
        n.reply = { ...n.reply, reactions: c };
      });
      s.refresh();
    } catch (err) {
      s.announce(err instanceof ApiError ? err.message : 'Your reaction was not recorded.');
    }
  };

  return (
    <span class="reactions" role="group" aria-label="Reactions">
      {REACTIONS.map((type) => (
        <button
          type="button"
          class="reaction"
          aria-pressed={mine.has(type)}
          disabled={!can}
          title={can ? undefined : own ? 'Your own reply' : 'Sign in to react'}
          onClick={() => toggle(type)}
        >
          {LABELS[type]} <span class="count">{counts[type]}</span>
        </button>
      ))}
    </span>
  );
}
