import { DOMAIN_UPCASTERS } from '@app/domain';
import { mongoPersonalDataCipher, MongoLogReader, UpcasterRegistry } from '@app/event-store';
import type { mongo } from 'mongoose';

/** The log reader as the apps wire it: upcasters, and the cipher opening personal fields. */
export const logReader = (db: mongo.Db, dataKeySecret: string) => new MongoLogReader(db, new UpcasterRegistry(DOMAIN_UPCASTERS), mongoPersonalDataCipher(db, dataKeySecret));

export interface RawRead {
  events: number;
  entries: number;
  seconds: number;
  /** Read to the head, or stopped at `maxSeconds`. */
  whole: boolean;
}

/**
 * The whole log read through the real reader, as a rebuild reads it (pages by `_id`, the
 * tail chunk by chunk, personal fields opened), doing nothing with it: the ceiling a rebuild
 * of any projection runs under.
 */
export async function readWholeLog(db: mongo.Db, dataKeySecret: string, batch = 500, maxSeconds = Infinity): Promise<RawRead> {
  const reader = logReader(db, dataKeySecret);
  const head = await reader.head();
  const started = performance.now();
  let position = 0;
  let events = 0;
  let entries = 0;
  while (position < head) {
    if (performance.now() - started > maxSeconds * 1000) return { events, entries, seconds: (performance.now() - started) / 1000, whole: false };
    const read = await reader.readAfter(position, batch);
    if (read.length === 0) break;
    for (const e of read) events += e.events.length;
    entries += read.length;
    position = read[read.length - 1].position;
  }
  if (position < head) throw new Error(`the log ended at ${position}, before its head ${head}`);
  return { events, entries, seconds: (performance.now() - started) / 1000, whole: true };
}
