import { liveProjections } from './live-projections';
import { ThreadProjection } from './projections/thread.projection';
import { ViewCollections } from './versions';
import { ViewNames } from './view-names';

const thread = new ThreadProjection();

describe('ViewNames', () => {
  it('names a first build by code version, and a rebuilt generation with its suffix', () => {
    const names = ViewNames.of(liveProjections());
    expect(names.collection(ViewCollections.threadBuckets)).toBe(`thread_buckets__v${thread.version}`);
    expect(names.consumerName(thread)).toBe(`thread@${thread.version}`);
    const rebuilt = names.withGeneration('thread', 'r1a2b3c4');
    expect(rebuilt.collection(ViewCollections.threadBuckets)).toBe(`thread_buckets__v${thread.version}_r1a2b3c4`);
    expect(rebuilt.consumerName(thread)).toBe(`thread@${thread.version}_r1a2b3c4`);
    // Only that projection's collections move.
    expect(rebuilt.collection(ViewCollections.articles)).toBe(names.collection(ViewCollections.articles));
    expect(rebuilt.of('thread').every((c) => c.endsWith('_r1a2b3c4'))).toBe(true);
    expect(rebuilt.of('thread')).toHaveLength(thread.collections.length);
  });

  it('follows the aliases, while a snapshot stays where it was taken', () => {
    const names = ViewNames.of(liveProjections());
    const before = names.snapshot();
    names.follow(new Map([['thread', 'rfeedbeef']]));
    expect(names.collection(ViewCollections.threadMeta)).toBe(`thread_meta__v${thread.version}_rfeedbeef`);
    expect(before.collection(ViewCollections.threadMeta)).toBe(`thread_meta__v${thread.version}`);
    expect(names.scratch('verify_x__').collection(ViewCollections.threadMeta)).toBe(`verify_x__thread_meta__v${thread.version}_rfeedbeef`);
    names.follow(new Map());
    expect(names.generationOf('thread')).toBe('');
  });
});
