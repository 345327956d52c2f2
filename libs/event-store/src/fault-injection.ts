import type { mongo } from 'mongoose';
import { InjectedStoreFault } from './errors';

/** Where a faulty call fails: before it reaches the store, or after the store applied it (the answer is lost). */
export type FaultTiming = 'before' | 'after';

/** Decides, call by call, which store calls fail; `step` is `<collection>.<method>`. */
export interface FaultPlan {
  decide(step: string): FaultTiming | null;
}

const WRAPPED = new Set(['insertOne', 'insertMany', 'updateOne', 'replaceOne', 'updateMany', 'findOneAndUpdate', 'deleteOne', 'deleteMany', 'findOne']);

/**
 * The same database with faults injected into single-document and batch calls, so tests and
 * the chaos run can fail each step of a sequencing round or a projection batch on purpose.
 */
export function withFaults(db: mongo.Db, plan: FaultPlan): mongo.Db {
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'collection') {
        return (name: string, options?: mongo.CollectionOptions) => wrapCollection(target.collection(name, options), name, plan);
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function wrapCollection<T extends mongo.Document>(collection: mongo.Collection<T>, name: string, plan: FaultPlan): mongo.Collection<T> {
  return new Proxy(collection, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      if (typeof prop !== 'string' || !WRAPPED.has(prop)) return value.bind(target);
      return async (...args: unknown[]) => {
        const step = `${name}.${prop}`;
        const timing = plan.decide(step);
        if (timing === 'before') throw new InjectedStoreFault(step);
        const result = await value.apply(target, args);
        if (timing === 'after') throw new InjectedStoreFault(`${step} (after it was applied)`);
        return result;
      };
    },
  });
}

/** Fails the n-th matching call (0-based) once, counting from when it was made. */
export class NthCallFault implements FaultPlan {
  private seen = 0;
  fired: string | null = null;
  constructor(
    private readonly n: number,
    private readonly timing: FaultTiming = 'before',
    private readonly matches: (step: string) => boolean = () => true,
  ) {}
  decide(step: string): FaultTiming | null {
    if (!this.matches(step) || this.fired) return null;
    if (this.seen++ !== this.n) return null;
    this.fired = step;
    return this.timing;
  }
}

/**
 * Fails calls at random, from a seeded generator so a run can be replayed: writes at `rate`,
 * reads (`findOne`) at a twentieth of it, since one round makes hundreds of lookups.
 */
export class SeededFaults implements FaultPlan {
  private state: number;
  constructor(
    seed: number,
    private readonly rate: number,
  ) {
    this.state = seed >>> 0 || 1;
  }
  /** xorshift32: small, seedable, good enough to spread faults. */
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 2 ** 32;
  }
  decide(step: string): FaultTiming | null {
    if (this.next() >= (step.endsWith('.findOne') ? this.rate / 20 : this.rate)) return null;
    return this.next() < 0.5 ? 'before' : 'after';
  }
}
