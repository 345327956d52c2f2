import { useState } from 'preact/hooks';
import { ApiError, ConsoleApi } from '../api';
import { Session, sessionFrom } from '../session';

/**
 * Sign in with a token the news site issued (pasted), or, with DEV_SIGN_IN=true on the server,
 * a development token minted for a name and role.
 */
export function SignIn({ devSignIn, onSignedIn, notice }: { devSignIn: boolean; onSignedIn: (s: Session) => void; notice: string | null }) {
  const [token, setToken] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState('moderator');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const useToken = (raw: string) => {
    const session = sessionFrom(raw);
    if (!session) return setError('That is not a token this console can read: paste the whole bearer token.');
    if (session.role === 'reader') return setError('This token is a reader’s: the console needs a moderator or an admin.');
    if (session.expiresAt !== null && session.expiresAt < Date.now()) return setError('This token has expired: get a new one.');
    onSignedIn(session);
  };

  const devSubmit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      useToken((await ConsoleApi.devSignIn(role, name.trim())).token);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="sign-in">
      <h1>Moderation</h1>
      {notice && <p class="notice" role="status">{notice}</p>}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <form
        aria-label="Sign in with a token"
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          useToken(token);
        }}
      >
        <label for="token">Your moderator token</label>
        <textarea id="token" rows={3} value={token} onInput={(e) => setToken(e.currentTarget.value)} autoComplete="off" spellcheck={false} required />
        <p class="hint">From your site’s sign-in, or `npm run token -- --role moderator --sub you --name You`. Kept in this tab only.</p>
        <button type="submit">Sign in</button>
      </form>
      {devSignIn && (
        <form aria-label="Development sign-in" class="dev" onSubmit={devSubmit}>
          <h2>Development sign-in</h2>
          <p class="hint">The server runs with DEV_SIGN_IN=true: it mints a token for any name and role. Never in production.</p>
          <label for="dev-name">Name</label>
          <input id="dev-name" value={name} onInput={(e) => setName(e.currentTarget.value)} maxLength={60} required />
          <label for="dev-role">Role</label>
          <select id="dev-role" value={role} onChange={(e) => setRole(e.currentTarget.value)}>
            <option value="moderator">Moderator</option>
            <option value="admin">Admin</option>
          </select>
          <button type="submit" disabled={busy}>
            Sign in as {role}
          </button>
        </form>
      )}
    </main>
  );
}
