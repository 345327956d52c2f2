import { Actor, DomainEvent, ERASED_TEXT, PERSONAL_FIELDS } from '@app/domain';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { CachedDataKeys, DataKeys, MongoDataKeys } from './data-keys';

/** The personal fields of one event, encrypted together with their author's key. */
export interface SealedFields {
  /** The key: the commenter id of the person who typed them. */
  by: string;
  /** Dotted paths the box fills in; names only, never values. */
  fields: string[];
  iv: string;
  /** AES-256-GCM ciphertext of the fields' values (JSON), then the tag; base64. */
  box: string;
}

/** An event as stored: its personal fields taken out of `data` and kept in `sealed`. */
export type StoredDomainEvent = DomainEvent & { sealed?: SealedFields };

export class PersonalDataKeyMissingError extends Error {
  constructor(readonly keyId: string) {
    super(`commenter ${keyId} has no data key (erased, or never enrolled): nothing of theirs can be stored`);
    this.name = 'PersonalDataKeyMissingError';
  }
}

const pathOf = (path: string) => path.split('.');

function read(data: unknown, path: string): unknown {
  let at = data as Record<string, unknown> | undefined;
  for (const key of pathOf(path)) at = at && typeof at === 'object' ? (at[key] as Record<string, unknown>) : undefined;
  return at;
}

function write(data: Record<string, unknown>, path: string, value: unknown, remove = false): void {
  const keys = pathOf(path);
  let at = data;
  for (const key of keys.slice(0, -1)) {
    if (!at[key] || typeof at[key] !== 'object') return;
    at = at[key] as Record<string, unknown>;
  }
  if (remove) delete at[keys[keys.length - 1]];
  else at[keys[keys.length - 1]] = value;
}

/**
 * Encrypts the personal fields each event type declares with its actor's key when events are
 * stored, and decrypts them when they are read. A destroyed key reads as erased text: the
 * event keeps its shape, and only what the person typed is gone.
 */
export class PersonalDataCipher {
  constructor(
    private readonly keys: DataKeys,
    private readonly personalFields: Readonly<Record<string, readonly string[]>>,
    /** Off only to measure what encryption costs; config refuses it in production. */
    private readonly enabled = true,
  ) {}

  async seal(commitId: string, events: DomainEvent[], actor: Actor): Promise<StoredDomainEvent[]> {
    if (!this.enabled) return events;
    let key: Buffer | null = null;
    return Promise.all(
      events.map(async (event, index) => {
        const paths = (this.personalFields[event.type] ?? []).filter((p) => read(event.data, p) !== undefined);
        if (paths.length === 0) return event;
        if (actor.kind === 'system') throw new Error(`${event.type} holds personal data but its actor is the system`);
        key ??= await this.keys.get(actor.id);
        if (!key) throw new PersonalDataKeyMissingError(actor.id);
        const data = structuredClone(event.data) as Record<string, unknown>;
        const values = paths.map((p) => read(data, p));
        for (const p of paths) write(data, p, undefined, true);
        const iv = randomBytes(12);
        const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(this.aad(commitId, index, event, actor.id, paths));
        const box = Buffer.concat([cipher.update(JSON.stringify(values), 'utf8'), cipher.final(), cipher.getAuthTag()]);
        return { type: event.type, schemaVersion: event.schemaVersion, data, sealed: { by: actor.id, fields: paths, iv: iv.toString('base64'), box: box.toString('base64') } };
      }),
    );
  }

  /** The events with their personal fields back in `data`, or erased where the key is gone. */
  async open(commitId: string, events: StoredDomainEvent[], keys?: Map<string, Buffer | null>): Promise<DomainEvent[]> {
    const found = keys ?? (await this.keysFor([events]));
    return events.map((event, index) => {
      const { sealed } = event;
      if (!sealed) return event;
      const data = structuredClone(event.data) as Record<string, unknown>;
      const key = found.get(sealed.by) ?? null;
      const values = key ? this.decrypt(key, sealed, this.aad(commitId, index, event, sealed.by, sealed.fields)) : sealed.fields.map(() => ERASED_TEXT);
      sealed.fields.forEach((p, i) => write(data, p, values[i]));
      return { type: event.type, schemaVersion: event.schemaVersion, data };
    });
  }

  /** The keys of every author in these commits, each fetched once. */
  async keysFor(commits: StoredDomainEvent[][]): Promise<Map<string, Buffer | null>> {
    const ids = new Set<string>();
    for (const events of commits) for (const e of events) if (e.sealed) ids.add(e.sealed.by);
    const keys = new Map<string, Buffer | null>();
    await Promise.all([...ids].map(async (id) => keys.set(id, await this.keys.get(id))));
    return keys;
  }

  private decrypt(key: Buffer, sealed: SealedFields, aad: Buffer): unknown[] {
    const box = Buffer.from(sealed.box, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64')).setAAD(aad);
    decipher.setAuthTag(box.subarray(box.length - 16));
    const values = JSON.parse(Buffer.concat([decipher.update(box.subarray(0, box.length - 16)), decipher.final()]).toString('utf8')) as unknown[];
    if (!Array.isArray(values) || values.length !== sealed.fields.length) throw new Error('sealed fields do not match their names');
    return values;
  }

  /**
   * Binds the box to its place and its labels: it cannot be moved to another event or author,
   * nor its values swapped between fields, unnoticed.
   */
  private aad(commitId: string, index: number, event: DomainEvent, by: string, fields: readonly string[]): Buffer {
    return Buffer.from([commitId, index, event.type, event.schemaVersion, by, fields.join(',')].join('\u0000'));
  }
}

/** The cipher over the built-in key collection, as the apps wire it (tests and tools use it too). */
export function mongoPersonalDataCipher(db: ConstructorParameters<typeof MongoDataKeys>[0], masterSecret: string, enabled = true): PersonalDataCipher {
  return new PersonalDataCipher(new CachedDataKeys(new MongoDataKeys(db, masterSecret)), PERSONAL_FIELDS, enabled);
}
