import type { Projection } from './projections/projection';

/**
 * Resolves a view's logical collection name to the collection that holds it:
 * `<name>__v<projector version>` for a projector's first build, `<name>__v<version>_<generation>`
 * once a rebuild has been flipped live (the alias documents say which), and the same under a
 * scratch prefix for a rebuild that must not touch them (`verify`).
 */
export class ViewNames {
  private constructor(
    private readonly owners: ReadonlyMap<string, { projection: string; version: number }>,
    readonly prefix: string,
    /** Projection name → its live generation ('' for the first build). */
    private generations: ReadonlyMap<string, string>,
  ) {}

  static of(projections: readonly Projection[], prefix = ''): ViewNames {
    const owners = new Map<string, { projection: string; version: number }>();
    for (const p of projections) for (const c of p.collections) owners.set(c, { projection: p.name, version: p.version });
    return new ViewNames(owners, prefix, new Map());
  }

  /** The same projections' collections under a scratch prefix. */
  scratch(prefix: string): ViewNames {
    return new ViewNames(this.owners, prefix, new Map(this.generations));
  }

  /** These names with one projection's collections at another generation: a rebuild's. */
  withGeneration(projection: string, generation: string): ViewNames {
    return new ViewNames(this.owners, this.prefix, new Map([...this.generations, [projection, generation]]));
  }

  /** A copy no later alias change moves: what a projector writes to while it runs. */
  snapshot(): ViewNames {
    return new ViewNames(this.owners, this.prefix, new Map(this.generations));
  }

  /** Follows the alias documents (ViewAliases calls it): later lookups resolve to those generations. */
  follow(generations: ReadonlyMap<string, string>): void {
    this.generations = new Map(generations);
  }

  generationOf(projection: string): string {
    return this.generations.get(projection) ?? '';
  }

  /** `name@version`, with the generation once rebuilt: the key of its lease, checkpoint and dead letters. */
  consumerName(projection: Pick<Projection, 'name' | 'version'>): string {
    return `${this.prefix}${projection.name}@${projection.version}${suffix(this.generationOf(projection.name))}`;
  }

  collection(logical: string): string {
    const owner = this.owners.get(logical);
    if (owner === undefined) throw new Error(`no projection writes the view collection ${logical}`);
    return `${this.prefix}${logical}__v${owner.version}${suffix(this.generationOf(owner.projection))}`;
  }

  /** Every collection these projections write, resolved. */
  all(): string[] {
    return [...this.owners.keys()].map((c) => this.collection(c));
  }

  /** The collections one projection writes, resolved. */
  of(projection: string): string[] {
    return [...this.owners].filter(([, o]) => o.projection === projection).map(([c]) => this.collection(c));
  }
}

const suffix = (generation: string) => (generation ? `_${generation}` : '');
