import { DomainEvent, PERSONAL_FIELDS } from '@app/domain';
import { randomBytes, randomUUID } from 'node:crypto';
import { CachedDataKeys, DataKeys } from './data-keys';
import { PersonalDataCipher, PersonalDataKeyMissingError, StoredDomainEvent } from './personal-data-cipher';

/** Keys in memory: the port without a store, so the cipher's rules are tested alone. */
class MemoryKeys implements DataKeys {
  readonly keys = new Map<string, Buffer>();
  gets = 0;
  async create() {
    const keyId = randomUUID();
    this.keys.set(keyId, randomBytes(32));
    return { keyId, key: this.keys.get(keyId)! };
  }
  async get(keyId: string) {
    this.gets += 1;
    return this.keys.get(keyId) ?? null;
  }
  async destroy(keyId: string) {
    this.keys.delete(keyId);
  }
}

const submitted = (body: string, name: string): DomainEvent => ({
  type: 'reply.submitted',
  schemaVersion: 1,
  data: { replyId: 'r1', articleId: 'a1', parentId: null, rootId: 'r1', depth: 1, author: { kind: 'reader', id: 'ignored', name }, body, submittedAt: '2026-01-01T00:00:00.000Z', status: 'published' },
});

describe('PersonalDataCipher', () => {
  let keys: MemoryKeys;
  let cipher: PersonalDataCipher;
  let alice: string;

  beforeEach(async () => {
    keys = new MemoryKeys();
    cipher = new PersonalDataCipher(keys, PERSONAL_FIELDS);
    alice = (await keys.create()).keyId;
  });

  const actor = () => ({ kind: 'reader' as const, id: alice, name: '' });

  it('stores the declared fields encrypted and gives them back whole', async () => {
    const [sealed] = await cipher.seal('reply-r1:1', [submitted('secret words', 'Alice Quill')], actor());
    const stored = JSON.stringify(sealed);
    expect(stored).not.toContain('secret words');
    expect(stored).not.toContain('Alice Quill');
    expect(sealed.data).toMatchObject({ replyId: 'r1', author: { kind: 'reader' } });
    expect(sealed.sealed).toMatchObject({ by: alice, fields: ['body', 'author.name'] });
    const [opened] = await cipher.open('reply-r1:1', [sealed]);
    expect(opened).toEqual(submitted('secret words', 'Alice Quill'));
  });

  it('reads an erased person\'s fields as empty, keeping the event\'s shape', async () => {
    const [sealed] = await cipher.seal('reply-r1:1', [submitted('secret words', 'Alice Quill')], actor());
    await keys.destroy(alice);
    const [opened] = await cipher.open('reply-r1:1', [sealed]);
    expect(opened.data).toMatchObject({ replyId: 'r1', body: '', author: { kind: 'reader', name: '' } });
  });

  it('refuses a box moved to another commit or index: the text cannot be passed off elsewhere', async () => {
    const [sealed] = await cipher.seal('reply-r1:1', [submitted('secret words', 'A')], actor());
    await expect(cipher.open('reply-r2:1', [sealed])).rejects.toThrow();
    const tampered: StoredDomainEvent = { ...sealed, sealed: { ...sealed.sealed!, box: Buffer.from('x'.repeat(40)).toString('base64') } };
    await expect(cipher.open('reply-r1:1', [tampered])).rejects.toThrow();
    // Nor can the labels be swapped, putting the body where the name goes.
    const swapped: StoredDomainEvent = { ...sealed, sealed: { ...sealed.sealed!, fields: ['author.name', 'body'] } };
    await expect(cipher.open('reply-r1:1', [swapped])).rejects.toThrow();
    await expect(cipher.open('reply-r1:1', [{ ...sealed, schemaVersion: 2 }])).rejects.toThrow();
  });

  it('leaves events without personal fields as they are, and needs no key for them', async () => {
    const retracted: DomainEvent = { type: 'reply.retracted', schemaVersion: 1, data: { replyId: 'r1', articleId: 'a1', retractedAt: 'x', previousStatus: 'published' } };
    const [stored] = await cipher.seal('reply-r1:2', [retracted], { kind: 'system', id: 'rule', name: 'rule' });
    expect(stored).toEqual(retracted);
    expect(keys.gets).toBe(0);
  });

  it('will not store personal fields without a key, nor for the system', async () => {
    await keys.destroy(alice);
    await expect(cipher.seal('reply-r1:1', [submitted('x', 'A')], actor())).rejects.toThrow(PersonalDataKeyMissingError);
    await expect(cipher.seal('reply-r1:1', [submitted('x', 'A')], { kind: 'system', id: 'rule', name: 'rule' })).rejects.toThrow(/system/);
  });

  it('off (to measure its cost), stores events in plain and still reads sealed ones', async () => {
    const [sealed] = await cipher.seal('reply-r1:1', [submitted('words', 'A')], actor());
    const plain = new PersonalDataCipher(keys, PERSONAL_FIELDS, false);
    expect(await plain.seal('reply-r1:1', [submitted('words', 'A')], actor())).toEqual([submitted('words', 'A')]);
    expect((await plain.open('reply-r1:1', [sealed]))[0]).toEqual(submitted('words', 'A'));
  });

  it('fetches each author\'s key once for a batch of commits', async () => {
    const a = await cipher.seal('reply-r1:1', [submitted('one', 'A')], actor());
    const b = await cipher.seal('reply-r2:1', [submitted('two', 'A')], actor());
    keys.gets = 0;
    const found = await cipher.keysFor([a, b]);
    expect(keys.gets).toBe(1);
    expect((await cipher.open('reply-r2:1', b, found))[0].data).toMatchObject({ body: 'two' });
  });
});

describe('CachedDataKeys', () => {
  it('remembers a destroyed key as gone, and hears of one destroyed elsewhere', async () => {
    const inner = new MemoryKeys();
    const here = new CachedDataKeys(inner, 60_000, 10, () => 0);
    const { keyId } = await inner.create();
    expect(await here.get(keyId)).not.toBeNull();
    await inner.destroy(keyId);
    here.forget(keyId);
    inner.gets = 0;
    expect(await here.get(keyId)).toBeNull();
    expect(await here.get(keyId)).toBeNull();
    expect(inner.gets).toBe(0);
  });

  it('keeps a key for a while, forgets a destroyed one at once here and elsewhere within the ttl', async () => {
    let now = 0;
    const inner = new MemoryKeys();
    const here = new CachedDataKeys(inner, 1_000, 10, () => now);
    const elsewhere = new CachedDataKeys(inner, 1_000, 10, () => now);
    const { keyId } = await here.create();
    await elsewhere.get(keyId);
    inner.gets = 0;
    await elsewhere.get(keyId);
    expect(inner.gets).toBe(0);
    await here.destroy(keyId);
    expect(await here.get(keyId)).toBeNull();
    now = 1_001;
    expect(await elsewhere.get(keyId)).toBeNull();
  });
});
