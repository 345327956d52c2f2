import type { mongo } from 'mongoose';
import { ViewCollections } from '../versions';
import { ViewNames } from '../view-names';
import { ViewDocument } from './projection';
import { ProjectionRunner } from './projection-runner';
import { entry, resetPositions, submitted } from './testing';
import { ThreadProjection } from './thread.projection';

/** A store in memory whose replacements in `failing` collections fail, after the others in the call landed. */
function memoryDb(failing: Set<string>) {
  const docs = new Map<string, ViewDocument>();
  const db = {
    collection: (name: string) => ({
      findOne: async ({ _id }: { _id: string }) => structuredClone(docs.get(`${name}/${_id}`) ?? null),
      insertMany: async (many: ViewDocument[]) => void many.forEach((d) => docs.set(`${name}/${d._id}`, structuredClone(d))),
      replaceOne: async ({ _id }: { _id: string }, fields: Omit<ViewDocument, '_id'>) => {
        if (failing.has(name)) throw new Error(`store call failed on ${name}`);
        docs.set(`${name}/${_id}`, { _id, ...structuredClone(fields) } as ViewDocument);
      },
    }),
  };
  return { db: db as unknown as mongo.Db, docs };
}

describe('ProjectionRunner notices', () => {
  beforeEach(() => resetPositions());

  it('announces every document a batch tried to write, also when a write failed halfway', async () => {
    const projection = new ThreadProjection();
    const names = ViewNames.of([projection]);
    const failing = new Set<string>();
    const { db, docs } = memoryDb(failing);
    const runner = new ProjectionRunner(db, projection, names);
    const notices: [string, string[]][] = [];
    runner.notify = (collection, ids) => void notices.push([collection, [...ids].sort()]);

    await runner.handle([entry('reply-r1', 1, submitted({ replyId: 'r1' }))]);
    const first = new Map(notices);
    expect(first.get(names.collection(ViewCollections.threadMeta))).toEqual(['a1']);
    notices.length = 0;

    // The second reply changes the meta and the bucket the first one made (replacements) and adds
    // its own index entry (an insert). The meta's collection fails; the buckets' is written first.
    const meta = names.collection(ViewCollections.threadMeta);
    failing.add(meta);
    await expect(runner.handle([entry('reply-r2', 1, submitted({ replyId: 'r2' }))])).rejects.toThrow(`store call failed on ${meta}`);

    const second = new Map(notices);
    // The failed document is announced: a reader's copy may be older than what is stored.
    expect(second.get(meta)).toEqual(['a1']);
    // So is every other document of the batch, written or not.
    const changed = [...second.keys()];
    expect(changed).toEqual(expect.arrayContaining([names.collection(ViewCollections.threadBuckets), names.collection(ViewCollections.threadIndex)]));
    expect(second.get(names.collection(ViewCollections.threadIndex))).toEqual(['r2']);
    // Only what was written before the failure is stored.
    expect((docs.get(`${meta}/a1`) as unknown as { position: number }).position).toBe(1);
  });
});
