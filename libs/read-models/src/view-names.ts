import type { Projection } from './projections/projection';

/**
 * Resolves a view's logical collection name to the collection that holds it: the projector's
 * versioned collection (`thread_buckets__v1`) for live views, or the same under a scratch
 * prefix for a rebuild that must not touch them (`verify`).
 */
export class ViewNames {
  private constructor(
    private readonly versions: ReadonlyMap<string, number>,
    readonly prefix: string,
  ) {}

  static of(projections: readonly Projection[], prefix = ''): ViewNames {
    const versions = new Map<string, number>();
    for (const p of projections) for (const c of p.collections) versions.set(c, p.version);
    return new ViewNames(versions, prefix);
  }

  /** The same projections' collections under a scratch prefix. */
  scratch(prefix: string): ViewNames {
    return new ViewNames(this.versions, prefix);
  }

  collection(logical: string): string {
    const version = this.versions.get(logical);
    if (version === undefined) throw new Error(`no projection writes the view collection ${logical}`);
    return `${this.prefix}${logical}__v${version}`;
  }

  /** Every collection these projections write, resolved. */
  all(): string[] {
    return [...this.versions.keys()].map((c) => this.collection(c));
  }
}
