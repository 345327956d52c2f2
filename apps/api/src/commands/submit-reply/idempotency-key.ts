/** Visible ASCII, as header values go; room for any UUID or random token. */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** 22 base64url characters carry 132 bits; 32 hex characters (128 bits) match too. */
const LONG_TOKEN = /^[A-Za-z0-9_-]{22,}$/;

/**
 * A key shaped like 128 random bits: a UUID, or at least 22 base64url characters. Only such a
 * key gets a guest's edit token back on a retry: with a short key, knowing the guest's email
 * and guessing the key would be enough to take over their reply.
 */
export const isStrongKey = (key: string): boolean => UUID.test(key) || LONG_TOKEN.test(key);
