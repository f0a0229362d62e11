import { vi } from 'vitest';
import type { CreateMode, DestroyMode, HungDestroy, PendingCreate, ValidateCall, ValidateMode } from './model-factory.js';
import type { ModelCommand } from './model-caller-commands.js';
import { checkNoWaiterStarves } from './model-invariants.js';
import { flushMicrotasks, type ModelWorld } from './model-world.js';

/** Chooses how the next creates behave: at once, failing, or deferred until a {@link SettleCreateCommand}. */
export class SetCreateModeCommand implements ModelCommand {
  constructor(readonly mode: CreateMode) {}

  check(): boolean {
    return true;
  }

  async run(world: ModelWorld): Promise<void> {
    world.factory.createMode = this.mode;
    await flushMicrotasks();
    world.checkInvariants();
  }

  toString(): string {
    return `createMode = ${this.mode}`;
  }
}

/** Finishes one deferred create (success or failure), in any order the run chooses. */
export class SettleCreateCommand implements ModelCommand {
  constructor(
    readonly pick: number,
    readonly succeed: boolean,
  ) {}

  check(world: Readonly<ModelWorld>): boolean {
    return world.factory.unsettledCreates().length > 0;
  }

  async run(world: ModelWorld): Promise<void> {
    const creates = world.factory.unsettledCreates();
    world.factory.settleCreate(creates[this.pick % creates.length] as PendingCreate, this.succeed);
    await flushMicrotasks();
    world.checkInvariants();
  }

  toString(): string {
    return `${this.succeed ? 'finishCreate' : 'failCreate'}(${this.pick})`;
  }
}

/** Fails every deferred create at once: a burst of failures (an outage), which the backoff counts once. */
export class FailAllCreatesCommand implements ModelCommand {
  check(world: Readonly<ModelWorld>): boolean {
    return world.factory.unsettledCreates().length > 1;
  }

  async run(world: ModelWorld): Promise<void> {
    for (const create of world.factory.unsettledCreates()) world.factory.settleCreate(create, false);
    await flushMicrotasks();
    world.checkInvariants();
  }

  toString(): string {
    return 'failAllCreates()';
  }
}

/** Chooses how the next destroys behave: settle soon, or hang until a {@link SettleDestroyCommand} (maybe never). */
export class SetDestroyModeCommand implements ModelCommand {
  constructor(readonly mode: DestroyMode) {}

  check(): boolean {
    return true;
  }

  async run(world: ModelWorld): Promise<void> {
    world.factory.destroyMode = this.mode;
    await flushMicrotasks();
    world.checkInvariants();
  }

  toString(): string {
    return `destroyMode = ${this.mode}`;
  }
}

/** Settles one hung destroy, in time or long after the pool stopped waiting for it. */
export class SettleDestroyCommand implements ModelCommand {
  constructor(readonly pick: number) {}

  check(world: Readonly<ModelWorld>): boolean {
    return world.factory.unsettledDestroys().length > 0;
  }

  async run(world: ModelWorld): Promise<void> {
    const destroys = world.factory.unsettledDestroys();
    world.factory.settleDestroy(destroys[this.pick % destroys.length] as HungDestroy);
    await flushMicrotasks();
    world.checkInvariants();
  }

  toString(): string {
    return `finishDestroy(${this.pick})`;
  }
}

/** Chooses how the next validations answer. */
export class SetValidateModeCommand implements ModelCommand {
  constructor(readonly mode: ValidateMode) {}

  check(world: Readonly<ModelWorld>): boolean {
    return world.config.withValidate;
  }

  async run(world: ModelWorld): Promise<void> {
    world.factory.validateMode = this.mode;
    await flushMicrotasks();
    world.checkInvariants();
  }

  toString(): string {
    return `validateMode = ${this.mode}`;
  }
}

/** Answers one deferred validation: valid, invalid or a rejection. */
export class SettleValidateCommand implements ModelCommand {
  constructor(
    readonly pick: number,
    readonly answer: boolean | 'throw',
  ) {}

  check(world: Readonly<ModelWorld>): boolean {
    return world.factory.unsettledValidates().length > 0;
  }

  async run(world: ModelWorld): Promise<void> {
    const validates = world.factory.unsettledValidates();
    world.factory.settleValidate(validates[this.pick % validates.length] as ValidateCall, this.answer);
    await flushMicrotasks();
    world.checkInvariants();
  }

  toString(): string {
    return `answerValidate(${this.pick}, ${String(this.answer)})`;
  }
}

/** Moves the fake clock: wait, create and validate timeouts and create retries fire in order. */
export class AdvanceTimeCommand implements ModelCommand {
  constructor(readonly ms: number) {}

  check(): boolean {
    return true;
  }

  async run(world: ModelWorld): Promise<void> {
    await vi.advanceTimersByTimeAsync(this.ms);
    world.onClockMoved();
    await flushMicrotasks();
    world.checkInvariants();
    checkNoWaiterStarves(world);
  }

  toString(): string {
    return `advance(${this.ms} ms)`;
  }
}
