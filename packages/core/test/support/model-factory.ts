import type { Factory } from '@pool/core';
import { deferred, type Deferred } from './test-factory.js';

/** No run of the model asks for this many creates; more means the pool retries in a loop. */
const MAX_CREATE_CALLS = 2_000;

/** A resource made by {@link ModelFactory}: numbered, breakable on purpose, and counting its destroys. */
export interface ModelResource {
  readonly id: number;
  /** Fake `Date.now()` when the factory made it (the pool records the same instant). */
  readonly createdAtMs: number;
  broken: boolean;
  destroyCount: number;
}

/** How the next `create()` calls behave, chosen by the model test's commands. */
export type CreateMode = 'sync' | 'async' | 'sync-fail' | 'async-fail' | 'deferred';

/** How the next `destroy()` calls behave: settle soon, or hang until the model settles them (maybe never). */
export type DestroyMode = 'async' | 'hang';

/** A `destroy()` that hangs until the model settles it. */
export interface HungDestroy {
  readonly resource: ModelResource;
  /** Fake `Date.now()` when the pool called it. */
  readonly startedAtMs: number;
  readonly result: Deferred<void>;
  settled: boolean;
  settledAtMs: number;
  /** Still pending when a close deadline gave up every factory call. */
  givenUp: boolean;
}

/** How the next `validate()` calls answer; `deferred` waits for the model to decide. */
export type ValidateMode = 'valid' | 'invalid' | 'throw' | 'deferred';

/** A deferred `create()`, finished by the model (or by its signal, when the factory honours it). */
export interface PendingCreate {
  readonly signal: AbortSignal | undefined;
  /** Fake `Date.now()` when the pool called it. */
  readonly startedAtMs: number;
  readonly result: Deferred<ModelResource>;
  settled: boolean;
  settledAtMs: number;
}

/** One `validate()` call: answered at once, or deferred until the model answers it. */
export interface ValidateCall {
  readonly resource: ModelResource;
  /** Fake `Date.now()` when the pool called it. */
  readonly startedAtMs: number;
  readonly answer: Deferred<boolean>;
  settled: boolean;
  /** Fake `Date.now()` when it was answered. */
  settledAtMs: number;
  /** `true` valid, `false` invalid (false or a throw); meaningful once settled. */
  valid: boolean;
}

/** What the model tells the factory once per run. */
export interface ModelFactoryConfig {
  /** A deferred create rejects as soon as its signal aborts (otherwise the model settles it later). */
  readonly honoursAbort: boolean;
  /** Every n-th resource (by id) fails its destroy; 0 = never. */
  readonly destroyFailsEvery: number;
  /** Whether the factory has `validate()` at all. */
  readonly withValidate: boolean;
}

/**
 * A factory whose every async completion is decided by the model test: creates and validations can finish at once
 * or wait until a command settles them. It keeps a ledger of everything it made and every misuse it saw.
 */
export class ModelFactory {
  createMode: CreateMode = 'async';
  validateMode: ValidateMode = 'valid';
  destroyMode: DestroyMode = 'async';
  /** Every destroy that hung, settled or not. */
  readonly hungDestroys: HungDestroy[] = [];
  /** Every resource ever created, in creation order. */
  readonly resources: ModelResource[] = [];
  readonly pendingCreates: PendingCreate[] = [];
  /** Every `validate()` call, answered or not. */
  readonly validateCalls: ValidateCall[] = [];
  /** Misuse seen from the factory's side (double destroy, validating a held resource, ...). */
  readonly violations: string[] = [];
  /** Fake `Date.now()` of the latest create this factory failed; `-Infinity` before any. */
  lastFailureAtMs = -Infinity;
  /** `create()` calls so far. */
  createCalls = 0;
  /** `destroy()` calls that settled soon (hung ones are in {@link ModelFactory.hungDestroys}). */
  destroysSettled = 0;
  /** `destroy()` calls that failed on purpose. */
  destroyFailures = 0;
  readonly #config: ModelFactoryConfig;
  readonly #isHeld: (resource: ModelResource) => boolean;
  #nextId = 1;

  constructor(config: ModelFactoryConfig, isHeld: (resource: ModelResource) => boolean) {
    this.#config = config;
    this.#isHeld = isHeld;
  }

  /** The `Factory` the pool gets: `validate` only when configured, so the pool's hot path is covered too. */
  asFactory(): Factory<ModelResource> {
    const factory: Factory<ModelResource> = {
      create: (signal) => this.#create(signal),
      destroy: (resource) => this.#destroy(resource),
      isBroken: (resource) => resource.broken,
    };
    if (this.#config.withValidate) factory.validate = (resource) => this.#validate(resource);
    return factory;
  }

  /** Creates not yet settled by the model (including ones the pool abandoned). */
  unsettledCreates(): PendingCreate[] {
    return this.pendingCreates.filter((create) => !create.settled);
  }

  /** Validations not yet answered by the model (including ones the pool stopped waiting for). */
  unsettledValidates(): ValidateCall[] {
    return this.validateCalls.filter((validate) => !validate.settled);
  }

  /** Resources created and not yet destroyed. */
  liveResources(): ModelResource[] {
    return this.resources.filter((resource) => resource.destroyCount === 0);
  }

  /** Hung destroys not settled yet. */
  unsettledDestroys(): HungDestroy[] {
    return this.hungDestroys.filter((destroy) => !destroy.settled);
  }

  /** Settles a hung destroy (the pool may have stopped waiting for it long ago). */
  settleDestroy(destroy: HungDestroy): void {
    destroy.settled = true;
    destroy.settledAtMs = Date.now();
    destroy.result.resolve();
  }

  /** Finishes a deferred create with a new resource, or fails it. */
  settleCreate(create: PendingCreate, succeed: boolean): void {
    create.settled = true;
    create.settledAtMs = Date.now();
    if (succeed) create.result.resolve(this.#make());
    else {
      this.lastFailureAtMs = Date.now();
      create.result.reject(new Error('model: create failed'));
    }
  }

  /** Answers a deferred validation: valid, invalid, or a rejection. */
  settleValidate(validate: ValidateCall, answer: boolean | 'throw'): void {
    validate.settled = true;
    validate.settledAtMs = Date.now();
    validate.valid = answer === true;
    if (answer === 'throw') validate.answer.reject(new Error('model: validate threw'));
    else validate.answer.resolve(answer);
  }

  #make(): ModelResource {
    const resource: ModelResource = { id: this.#nextId++, createdAtMs: Date.now(), broken: false, destroyCount: 0 };
    this.resources.push(resource);
    return resource;
  }

  #create(signal: AbortSignal | undefined): ModelResource | Promise<ModelResource> {
    if (++this.createCalls > MAX_CREATE_CALLS) {
      // Far more creates than one run can ask for: the pool is hot-looping the factory. Stall it so the run ends.
      if (this.createCalls === MAX_CREATE_CALLS + 1) this.violations.push(`create() hot loop: over ${MAX_CREATE_CALLS} calls`);
      return new Promise<ModelResource>(() => undefined);
    }
    if (signal === undefined) this.violations.push('create() was called without an AbortSignal');
    switch (this.createMode) {
      case 'sync':
        return this.#make();
      case 'async':
        return Promise.resolve().then(() => this.#make());
      case 'sync-fail':
        this.lastFailureAtMs = Date.now();
        throw new Error('model: create failed at once');
      case 'async-fail':
        this.lastFailureAtMs = Date.now();
        return Promise.reject(new Error('model: create failed soon'));
      case 'deferred':
        return this.#deferCreate(signal);
    }
  }

  #deferCreate(signal: AbortSignal | undefined): Promise<ModelResource> {
    const create: PendingCreate = {
      signal,
      startedAtMs: Date.now(),
      result: deferred<ModelResource>(),
      settled: false,
      settledAtMs: Infinity,
    };
    this.pendingCreates.push(create);
    if (this.#config.honoursAbort && signal !== undefined) {
      signal.addEventListener('abort', () => {
        if (create.settled) return;
        create.settled = true;
        create.settledAtMs = Date.now();
        this.lastFailureAtMs = Date.now();
        create.result.reject(signal.reason);
      });
    }
    return create.result.promise;
  }

  async #destroy(resource: ModelResource): Promise<void> {
    if (!this.resources.includes(resource)) this.violations.push(`destroy() of a resource never created: ${String(resource.id)}`);
    if (resource.destroyCount > 0) this.violations.push(`resource ${resource.id} destroyed twice`);
    resource.destroyCount++;
    if (this.destroyMode === 'hang') {
      const hung: HungDestroy = {
        resource,
        startedAtMs: Date.now(),
        result: deferred<void>(),
        settled: false,
        settledAtMs: Infinity,
        givenUp: false,
      };
      this.hungDestroys.push(hung);
      return hung.result.promise;
    }
    await Promise.resolve();
    this.destroysSettled++;
    if (this.#config.destroyFailsEvery > 0 && resource.id % this.#config.destroyFailsEvery === 0) {
      this.destroyFailures++;
      throw new Error(`model: destroy of ${resource.id} failed`);
    }
  }

  #validate(resource: ModelResource): boolean | Promise<boolean> {
    if (resource.destroyCount > 0) this.violations.push(`validate() of destroyed resource ${resource.id}`);
    if (this.#isHeld(resource)) this.violations.push(`validate() of resource ${resource.id} while a caller holds it`);
    const call: ValidateCall = {
      resource,
      startedAtMs: Date.now(),
      answer: deferred<boolean>(),
      settled: false,
      settledAtMs: Infinity,
      valid: false,
    };
    this.validateCalls.push(call);
    if (this.validateMode === 'deferred') return call.answer.promise;
    this.settleValidate(call, this.validateMode === 'valid' ? true : this.validateMode === 'invalid' ? false : 'throw');
    if (this.validateMode === 'throw') {
      call.answer.promise.catch(() => undefined);
      throw new Error('model: validate threw at once');
    }
    return this.validateMode === 'valid';
  }
}
