import { readFileSync } from 'node:fs';

/** Bytes and objects per constructor (or kind) in a V8 heap snapshot. */
export type HeapSummary = Map<string, { bytes: number; count: number }>;

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

export function summarise(file: string): HeapSummary {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const types = snap.snapshot.meta.node_types[0];
  const out: HeapSummary = new Map();
  for (let i = 0; i < snap.nodes.length; i += fields.length) {
    const type = types[snap.nodes[i + typeAt]];
    // Objects by constructor; strings, code, arrays and the rest by kind.
    const key = type === 'object' || type === 'closure' ? `${type} ${snap.strings[snap.nodes[i + nameAt]]}` : `(${type})`;
    const entry = out.get(key) ?? { bytes: 0, count: 0 };
    entry.bytes += snap.nodes[i + sizeAt];
    entry.count += 1;
    out.set(key, entry);
  }
  return out;
}

/** Total live heap, and the kinds that grew most from `before` to `after`. */
export function growth(before: HeapSummary, after: HeapSummary, top = 12): string[] {
  const total = (s: HeapSummary) => [...s.values()].reduce((n, e) => n + e.bytes, 0);
  const mb = (b: number) => (b / 2 ** 20).toFixed(1);
  const rows = [...after].map(([key, a]) => ({ key, bytes: a.bytes - (before.get(key)?.bytes ?? 0), count: a.count - (before.get(key)?.count ?? 0) }));
  rows.sort((x, y) => y.bytes - x.bytes);
  return [`live heap ${mb(total(before))} MB -> ${mb(total(after))} MB`, ...rows.slice(0, top).map((r) => `  ${r.key}: +${mb(r.bytes)} MB, ${r.count >= 0 ? '+' : ''}${r.count} objects`)];
}
