import { DomainEvent } from '@app/domain';

/** Turns an event of `type` at `fromVersion` into the same event at `fromVersion + 1`. */
export interface Upcaster {
  type: string;
  fromVersion: number;
  upcast(data: unknown): unknown;
}

/** Old events are upcast when read, never rewritten in the store. */
export class UpcasterRegistry {
  private readonly byKey = new Map<string, Upcaster>();

  constructor(upcasters: Upcaster[] = []) {
    for (const u of upcasters) this.register(u);
  }

  register(upcaster: Upcaster): void {
    const key = `${upcaster.type}@${upcaster.fromVersion}`;
    if (this.byKey.has(key)) throw new Error(`two upcasters for ${key}`);
    this.byKey.set(key, upcaster);
  }

  upcast<E extends DomainEvent>(event: DomainEvent): E {
    let current = event;
    for (;;) {
      const step = this.byKey.get(`${current.type}@${current.schemaVersion}`);
      if (!step) return current as E;
      current = { type: current.type, schemaVersion: current.schemaVersion + 1, data: step.upcast(current.data) };
    }
  }
}
