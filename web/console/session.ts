/** The signed-in moderator: their token, kept for this tab only (sessionStorage), and what it says about them. */

export type Role = 'reader' | 'moderator' | 'admin';

export interface Session {
  token: string;
  name: string;
  sub: string;
  role: Role;
  expiresAt: number | null;
}

const KEY = 'reply-section:console-token';

/** The claims of a JWT as the console needs them; the server checks the signature, not us. */
export function sessionFrom(token: string): Session | null {
  const parts = token.trim().split('.');
  if (parts.length !== 3) return null;
  try {
    const payload = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(payload), (c) => c.charCodeAt(0)))) as Record<string, unknown>;
    const role = claims.role;
    if (role !== 'reader' && role !== 'moderator' && role !== 'admin') return null;
    const sub = typeof claims.sub === 'string' ? claims.sub : '';
    const name = typeof claims.name === 'string' ? claims.name : sub;
    const expiresAt = typeof claims.exp === 'number' ? claims.exp * 1000 : null;
    return { token: token.trim(), name, sub, role, expiresAt };
  } catch {
    return null;
  }
}

export function savedSession(): Session | null {
  const token = sessionStorage.getItem(KEY);
  const session = token ? sessionFrom(token) : null;
  if (session && session.expiresAt !== null && session.expiresAt < Date.now()) {
    sessionStorage.removeItem(KEY);
    return null;
  }
  return session;
}

export const saveSession = (s: Session) => sessionStorage.setItem(KEY, s.token);
export const forgetSession = () => sessionStorage.removeItem(KEY);
