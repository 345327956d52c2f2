import { ViewDocumentCache } from './view-document-cache';

/** A store document the test changes, and a loader that counts and can be held open. */
function store(initial: string) {
  let value = initial;
  const gates: (() => void)[] = [];
  let held = false;
  const loads = { count: 0 };
  const load = async () => {
    loads.count++;
    const seen = value;
    if (held) await new Promise<void>((r) => gates.push(r));
    return seen;
  };
  return {
    load,
    loads,
    set: (v: string) => void (value = v),
    hold: () => void (held = true),
    release: () => {
      held = false;
      gates.splice(0).forEach((r) => r());
    },
  };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('the view document cache', () => {
  let now = 0;
  const clock = { now: () => now };
  const cache = (ttlMs = 5_000, maxDocuments = 100) => {
    const c = new ViewDocumentCache({ ttlMs, maxDocuments }, clock);
    c.enable();
    return c;
  };
  beforeEach(() => (now = 1_000));

  it('reads through, keeping nothing, until notices flow (enabled), and with a TTL of 0', async () => {
    const doc = store('v1');
    const off = new ViewDocumentCache({ ttlMs: 5_000, maxDocuments: 10 }, clock);
    await off.get('c', 'a', doc.load);
    await off.get('c', 'a', doc.load);
    expect(doc.loads.count).toBe(2);
    const zero = cache(0);
    await zero.get('c', 'a', doc.load);
    await zero.get('c', 'a', doc.load);
    expect(doc.loads.count).toBe(4);
  });

  it('serves a document from memory until a notice names it; then the new version, reloaded at once', async () => {
    const c = cache();
    const doc = store('v1');
    expect(await c.get('c', 'a', doc.load)).toBe('v1');
    expect(await c.get('c', 'a', doc.load)).toBe('v1');
    expect(doc.loads.count).toBe(1);
    doc.set('v2');
    c.changed('c', ['a']);
    await settle();
    expect(doc.loads.count).toBe(2);
    expect(await c.get('c', 'a', doc.load)).toBe('v2');
    expect(doc.loads.count).toBe(2);
    // A notice for another document or collection changes nothing here.
    c.changed('c', ['b']);
    c.changed('other', ['a']);
    expect(await c.get('c', 'a', doc.load)).toBe('v2');
    expect(doc.loads.count).toBe(2);
  });

  it('while the reload runs, readers get the version before it; a notice meanwhile reloads once more', async () => {
    const c = cache();
    const doc = store('v1');
    await c.get('c', 'a', doc.load);
    doc.hold();
    doc.set('v2');
    c.changed('c', ['a']);
    expect(await c.get('c', 'a', doc.load)).toBe('v1');
    expect(c.stats.staleHits).toBe(1);
    doc.set('v3');
    c.changed('c', ['a']);
    c.changed('c', ['a']);
    doc.release();
    await settle();
    await settle();
    expect(doc.loads.count).toBe(3);
    expect(await c.get('c', 'a', doc.load)).toBe('v3');
  });

  it('never keeps a load a notice overtook: it could be from before the write', async () => {
    const c = cache();
    const doc = store('v1');
    doc.hold();
    const first = c.get('c', 'a', doc.load);
    // A second reader joins the load under way instead of starting its own.
    const joined = c.get('c', 'a', doc.load);
    doc.set('v2');
    c.changed('c', ['a']);
    doc.release();
    expect(await first).toBe('v1');
    expect(await joined).toBe('v1');
    expect(doc.loads.count).toBe(1);
    expect(await c.get('c', 'a', doc.load)).toBe('v2');
    expect(doc.loads.count).toBe(2);
  });

  it('forgets everything when notices may have been lost (disabled), including loads under way', async () => {
    const c = cache();
    const doc = store('v1');
    await c.get('c', 'a', doc.load);
    doc.hold();
    const other = store('w1');
    other.hold();
    const pending = c.get('c', 'b', other.load);
    c.disable();
    other.release();
    await pending;
    doc.set('v2');
    doc.release();
    expect(await c.get('c', 'a', doc.load)).toBe('v2');
    c.enable();
    expect(c.size).toBe(0);
    await c.get('c', 'b', other.load);
    expect(other.loads.count).toBe(2);
  });

  it('reads again after the TTL, however quiet the notices (what a lost notice can cost)', async () => {
    const c = cache(5_000);
    const doc = store('v1');
    await c.get('c', 'a', doc.load);
    doc.set('v2');
    now += 4_999;
    expect(await c.get('c', 'a', doc.load)).toBe('v1');
    now += 1;
    expect(await c.get('c', 'a', doc.load)).toBe('v2');
  });

  it('drops a document whose reload fails: the next reader goes to the store', async () => {
    const c = cache();
    let fail = false;
    let loads = 0;
    const load = async () => {
      loads++;
      if (fail) throw new Error('store down');
      return 'v1';
    };
    await c.get('c', 'a', load);
    fail = true;
    c.changed('c', ['a']);
    await settle();
    expect(c.size).toBe(0);
    await expect(c.get('c', 'a', load)).rejects.toThrow('store down');
    expect(loads).toBe(3);
  });

  it('keeps at most maxDocuments, the least recently read going first', async () => {
    const c = cache(5_000, 2);
    const a = store('a');
    const b = store('b');
    const d = store('d');
    await c.get('c', 'a', a.load);
    await c.get('c', 'b', b.load);
    await c.get('c', 'a', a.load);
    await c.get('c', 'd', d.load);
    expect(c.size).toBe(2);
    await c.get('c', 'a', a.load);
    await c.get('c', 'b', b.load);
    expect([a.loads.count, b.loads.count]).toEqual([1, 2]);
  });
});
