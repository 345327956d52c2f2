import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { ConsoleApi } from '../api';
import { BatchTracker } from '../batches';
import { forgetSession, savedSession, saveSession, Session } from '../session';
import { AdminViews } from './AdminViews';
import { ModerationLog } from './ModerationLog';
import { PolicyEditor } from './PolicyEditor';
import { Queues } from './Queues';
import { SignIn } from './SignIn';

type Section = 'queues' | 'log' | 'policy' | 'views';

/** The console: sign-in, then the queues, the log and, for admins, the policy and the views. */
export function Console({ devSignIn }: { devSignIn: boolean }) {
  const [session, setSession] = useState<Session | null>(() => savedSession());
  const [notice, setNotice] = useState<string | null>(null);
  const [section, setSection] = useState<Section>('queues');
  const api = useMemo(() => (session ? new ConsoleApi(session.token) : null), [session]);

  const signOut = useCallback((why: string | null) => {
    forgetSession();
    setSession(null);
    setNotice(why);
  }, []);
  // A 401 anywhere means the token went bad (expired, rotated key): back to sign-in, saying so.
  const onUnauthorized = useCallback(() => signOut('Your session ended (the token expired or was refused). Sign in again.'), [signOut]);
  // The moderator's batches outlive the queue view: their Undo stays offered in every section.
  const batches = useMemo(() => (api && session ? new BatchTracker(api, session.sub, onUnauthorized) : null), [api, session, onUnauthorized]);
  useEffect(() => () => batches?.stop(), [batches]);

  if (!session || !api || !batches) {
    return (
      <SignIn
        devSignIn={devSignIn}
        notice={notice}
        onSignedIn={(s) => {
          saveSession(s);
          setNotice(null);
          setSection('queues');
          setSession(s);
        }}
      />
    );
  }
  const sections: [Section, string][] = [
    ['queues', 'Queues'],
    ['log', 'Moderation log'],
    ...(session.role === 'admin'
      ? ([
          ['policy', 'Policy'],
          ['views', 'Views'],
        ] as [Section, string][])
      : []),
  ];
  return (
    <div class="console">
      <header class="top">
        <span class="brand">Moderation</span>
        <nav aria-label="Console">
          {sections.map(([key, label]) => (
            <button type="button" class="nav" aria-current={section === key ? 'page' : undefined} onClick={() => setSection(key)} key={key}>
              {label}
            </button>
          ))}
        </nav>
        <span class="who">
          Signed in as <strong>{session.name}</strong> ({session.role})
        </span>
        <button type="button" class="link" onClick={() => signOut(null)}>
          Sign out
        </button>
      </header>
      {section === 'queues' && <Queues api={api} batches={batches} onUnauthorized={onUnauthorized} />}
      {section === 'log' && <ModerationLog api={api} onUnauthorized={onUnauthorized} />}
      {section === 'policy' && <PolicyEditor api={api} onUnauthorized={onUnauthorized} />}
      {section === 'views' && <AdminViews api={api} onUnauthorized={onUnauthorized} />}
    </div>
  );
}
