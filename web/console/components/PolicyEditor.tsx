import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, ConsoleApi, Policy } from '../api';

/** Labels for the fields we know; any other field of the policy is still shown, under its path. */
const LABELS: Record<string, string> = {
  'words.banned': 'Banned words (reject; one per line, * at an edge matches more letters)',
  'words.suspect': 'Suspect words (hold for a moderator; one per line)',
  'thresholds.hold': 'Hold at score',
  'thresholds.reject': 'Reject at score',
  'links.max': 'Most links in a reply',
  'velocity.perCommenterPerMinute': 'Replies per commenter per minute',
  'velocity.perNetworkPerMinute': 'Replies per network per minute',
  'repetition.maxSameText': 'Most copies of the same text',
  'flags.threshold': 'Flags that put a reply in the reported queue',
  'flags.hideAtThreshold': 'Hide a reported reply until a moderator approves it',
  defaultMode: 'Moderation of new articles',
};
const MODES = ['post', 'pre'];
const SERVER_FIELDS = new Set(['version', 'changedAt', 'changedBy']);

type Value = unknown;

/**
 * A word list as lines. The text is the field's own while the admin types (a new line or a
 * space is kept); the draft gets the list of non-empty lines.
 */
function ListField({ id, label, value, onChange }: { id: string; label: string; value: string[]; onChange: (v: Value) => void }) {
  const [text, setText] = useState(() => value.join('\n'));
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <textarea
        id={id}
        rows={Math.min(10, Math.max(3, value.length + 1))}
        value={text}
        onInput={(e) => {
          setText(e.currentTarget.value);
          onChange(e.currentTarget.value.split('\n').map((w) => w.trim()).filter(Boolean));
        }}
      />
    </div>
  );
}

/** A number as typed ("0.0" on its way to "0.05" stays); the draft gets it once it is one, the server checks its range. */
function NumberField({ id, label, value, onChange }: { id: string; label: string; value: number; onChange: (v: Value) => void }) {
  const [text, setText] = useState(() => String(value));
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        inputMode="decimal"
        value={text}
        onInput={(e) => {
          const raw = e.currentTarget.value;
          setText(raw);
          const n = Number(raw);
          onChange(raw.trim() !== '' && Number.isFinite(n) ? n : raw);
        }}
      />
    </div>
  );
}

/** The policy as form fields: lists as lines, numbers, switches, the mode. */
function Field({ path, value, onChange }: { path: string; value: Value; onChange: (v: Value) => void }) {
  const id = `policy-${path.replace(/\./g, '-')}`;
  const label = LABELS[path] ?? path;
  if (Array.isArray(value)) return <ListField id={id} label={label} value={value as string[]} onChange={onChange} />;
  if (typeof value === 'boolean') {
    return (
      <div class="field check">
        <input id={id} type="checkbox" checked={value} onChange={(e) => onChange(e.currentTarget.checked)} />
        <label for={id}>{label}</label>
      </div>
    );
  }
  if (typeof value === 'number') return <NumberField id={id} label={label} value={value} onChange={onChange} />;
  if (path === 'defaultMode') {
    return (
      <div class="field">
        <label for={id}>{label}</label>
        <select id={id} value={String(value)} onChange={(e) => onChange(e.currentTarget.value)}>
          {MODES.map((m) => (
            <option key={m} value={m}>
              {m === 'pre' ? 'Pre-moderation (every reply waits)' : 'Post-moderation (screened, then published)'}
            </option>
          ))}
        </select>
      </div>
    );
  }
  if (value !== null && typeof value === 'object') {
    return (
      <fieldset>
        <legend>{path}</legend>
        {Object.entries(value as Record<string, Value>).map(([k, v]) => (
          <Field key={k} path={`${path}.${k}`} value={v} onChange={(next) => onChange({ ...(value as object), [k]: next })} />
        ))}
      </fieldset>
    );
  }
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input id={id} value={value === null ? '' : String(value)} onInput={(e) => onChange(e.currentTarget.value)} />
    </div>
  );
}

/** Admins edit the moderation policy as of the version they loaded (If-Match); another admin's change in between is shown, not overwritten. */
export function PolicyEditor({ api, onUnauthorized }: { api: ConsoleApi; onUnauthorized: () => void }) {
  const [loaded, setLoaded] = useState<Policy | null>(null);
  const [draft, setDraft] = useState<Record<string, Value> | null>(null);
  const [message, setMessage] = useState<{ kind: 'done' | 'error' | 'conflict'; text: string } | null>(null);
  /** Bumped on each load: the fields start again from what was loaded. */
  const [loads, setLoads] = useState(0);

  const load = useCallback(async () => {
    try {
      const policy = await api.policy();
      setLoaded(policy);
      setDraft(Object.fromEntries(Object.entries(policy).filter(([k]) => !SERVER_FIELDS.has(k))));
      setLoads((n) => n + 1);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) onUnauthorized();
      setMessage({ kind: 'error', text: e instanceof ApiError ? e.message : String(e) });
    }
  }, [api, onUnauthorized]);
  useEffect(() => void load(), [load]);

  const save = async (e: Event) => {
    e.preventDefault();
    if (!loaded || !draft) return;
    try {
      const saved = await api.changePolicy(draft, loaded.version);
      setMessage({ kind: 'done', text: `Saved as version ${saved.version}. Workers use it within seconds.` });
      setLoaded(saved);
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) {
        let now = '';
        try {
          now = ` (now version ${(await api.policy()).version})`;
        } catch {
          /* the message stands without it */
        }
        setMessage({ kind: 'conflict', text: `Another admin changed the policy since you loaded version ${loaded.version}${now}. Nothing was saved; your edits are still here. Load theirs to start again from it.` });
      } else {
        if (err instanceof ApiError && err.status === 401) onUnauthorized();
        setMessage({ kind: 'error', text: err instanceof ApiError ? err.message : String(err) });
      }
    }
  };

  return (
    <main class="policy">
      <h1>Moderation policy</h1>
      {loaded && <p class="meta">Version {loaded.version}{typeof loaded.changedAt === 'string' ? ` · changed ${new Date(loaded.changedAt).toLocaleString()}` : ''}</p>}
      {message && (
        <div class={`outcome ${message.kind}`} role={message.kind === 'done' ? 'status' : 'alert'}>
          <p>{message.text}</p>
          {message.kind === 'conflict' && (
            <button type="button" onClick={() => void load().then(() => setMessage(null))}>
              Load theirs
            </button>
          )}
        </div>
      )}
      {draft && (
        <form aria-label="Policy" onSubmit={save} key={loads}>
          {Object.entries(draft).map(([k, v]) => (
            <Field key={k} path={k} value={v} onChange={(next) => setDraft({ ...draft, [k]: next })} />
          ))}
          <button type="submit">Save policy</button>
        </form>
      )}
    </main>
  );
}
