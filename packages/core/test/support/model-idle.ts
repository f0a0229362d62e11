import type { ModelResource } from './model-factory.js';

/** When the model first saw a resource idle: the step and the fake `Date.now()` of that step's check. */
export interface IdleSighting {
  readonly step: number;
  readonly atMs: number;
}

/**
 * The model's view of the idle list: when each idle resource went idle, as seen at the end of each step. The pool
 * parks a resource at some instant within that step, so `atMs` is never earlier than the pool's own `idleSince`.
 * Resources that went idle in the same step are tied: the model cannot tell their order in the pool's list.
 */
export class IdleLedger {
  readonly #sightings = new Map<ModelResource, IdleSighting>();
  #step = 0;

  /** Records the idle resources after a step: new ones get this step, ones no longer idle are forgotten. */
  update(idle: readonly ModelResource[]): void {
    this.#step++;
    const now = Date.now();
    const current = new Set(idle);
    for (const resource of this.#sightings.keys()) if (!current.has(resource)) this.#sightings.delete(resource);
    for (const resource of idle) if (!this.#sightings.has(resource)) this.#sightings.set(resource, { step: this.#step, atMs: now });
  }

  /** When `resource` was last seen going idle; undefined when it is not idle. */
  sightingOf(resource: ModelResource): IdleSighting | undefined {
    return this.#sightings.get(resource);
  }

  /**
   * The step whose resources `idleOrder` hands out next: the earliest step for 'fifo' (released longest ago), the
   * latest for 'lifo'. Undefined when nothing is idle.
   */
  nextStep(order: 'lifo' | 'fifo'): number | undefined {
    let chosen: number | undefined;
    for (const { step } of this.#sightings.values()) {
      if (chosen === undefined || (order === 'fifo' ? step < chosen : step > chosen)) chosen = step;
    }
    return chosen;
  }

  /** How long each idle resource has been idle at least, in ms of the fake clock. */
  idleTimesMs(): number[] {
    const now = Date.now();
    return [...this.#sightings.values()].map(({ atMs }) => now - atMs);
  }
}
