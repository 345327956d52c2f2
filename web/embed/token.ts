/** The name inside a signed-in reader's token, to greet them; the server checks the token, not us. */
export function nameInToken(token: string | null): string | null {
  if (!token) return null;
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(payload), (c) => c.charCodeAt(0)))) as { name?: unknown; sub?: unknown };
    return typeof json.name === 'string' ? json.name : typeof json.sub === 'string' ? json.sub : null;
  } catch {
    return null;
  }
}
