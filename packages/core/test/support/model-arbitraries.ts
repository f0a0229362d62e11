import fc from 'fast-check';
import {
  AbortCommand,
  AcquireCommand,
  CloseCommand,
  DestroyCommand,
  InvalidReleaseCommand,
  ReleaseCommand,
  ResizeCommand,
  ToggleCloseOnErrorCommand,
  type ModelCommand,
} from './model-caller-commands.js';
import {
  AdvanceTimeCommand,
  FailAllCreatesCommand,
  SetCreateModeCommand,
  SetDestroyModeCommand,
  SettleDestroyCommand,
  SetValidateModeCommand,
  SettleCreateCommand,
  SettleValidateCommand,
} from './model-factory-commands.js';
import type { ModelConfig } from './model-world.js';

/** Pool options and factory behaviour for one run; small sizes so that contention is the common case. */
export const modelConfigArbitrary: fc.Arbitrary<ModelConfig> = fc
  .record({
    size: fc.integer({ min: 1, max: 4 }),
    acquireTimeoutMs: fc.constantFrom(0, 0, 25, Infinity),
    // 2 ** 31 ms and Infinity: durations past setTimeout's 32-bit limit must still mean "that long".
    createTimeoutMs: fc.constantFrom(30_000, 45, 2 ** 31),
    validateTimeoutMs: fc.constantFrom(5_000, 25, Infinity),
    destroyTimeoutMs: fc.constantFrom(5_000, 35),
    finalCloseTimeoutMs: fc.constantFrom(undefined, undefined, 50),
    closeOnError: fc.boolean(),
    maxWaiting: fc.constantFrom(Infinity, Infinity, 0, 2),
    createRetryDelayMs: fc.constantFrom(0, 20),
    honoursAbort: fc.boolean(),
    destroyFailsEvery: fc.constantFrom(0, 0, 3),
    withValidate: fc.boolean(),
    minIdle: fc.constantFrom(0, 0, 0, 1, 2),
    leakDetectionMs: fc.constantFrom(Infinity, Infinity, 40),
    expiry: fc.constantFrom('none', 'none', 'idle', 'lifetime'),
    hardIdleTimeoutMs: fc.constantFrom(Infinity, Infinity, Infinity, 60),
    priorityRange: fc.constantFrom(1, 3),
    validateOnAcquire: fc.constantFrom(true, true, false),
    validateOnRelease: fc.constantFrom(false, false, true),
    propagateCreateError: fc.constantFrom(true, true, false),
    idleOrder: fc.constantFrom<'lifo' | 'fifo'>('lifo', 'fifo'),
    // The end of the run closes with serveWaiting while callers still wait (instead of draining the open pool first).
    finalCloseServeWaiting: fc.boolean(),
  })
  .map(({ expiry, ...config }) => ({
    ...config,
    // Callers who keep waiting through create failures are retried from the backoff timer: with a 0 ms delay a factory
    // that stays down would be called on every timer turn, which is what the user asked for, but not a bounded run.
    createRetryDelayMs: config.propagateCreateError ? config.createRetryDelayMs : 20,
    minIdle: Math.min(config.minIdle, config.size),
    idleTimeoutMs: expiry === 'idle' ? 50 : Infinity,
    maxLifetimeMs: expiry === 'lifetime' ? 150 : Infinity,
  }));

const pick = fc.nat({ max: 15 });

/** Every step the model can take, weighted so that runs mostly contend and rarely close early. */
export const modelCommandArbitrary: fc.Arbitrary<ModelCommand> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc
      .record({
        timeoutMs: fc.constantFrom(undefined, 0, 15, 60, Infinity, 2 ** 31),
        withSignal: fc.boolean(),
        // Taken modulo the run's priorityRange; undefined leaves the option out.
        priority: fc.constantFrom(undefined, 0, 1, 2),
      })
      .map(({ timeoutMs, withSignal, priority }) => new AcquireCommand(timeoutMs, withSignal, priority)),
  },
  { weight: 10, arbitrary: fc.tuple(pick, fc.boolean()).map(([index, broken]) => new ReleaseCommand(index, broken)) },
  { weight: 5, arbitrary: pick.map((index) => new AbortCommand(index)) },
  { weight: 3, arbitrary: pick.map((index) => new DestroyCommand(index)) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(pick, fc.boolean(), fc.boolean())
      .map(([index, foreign, viaDestroy]) => new InvalidReleaseCommand(index, foreign, viaDestroy)),
  },
  {
    weight: 5,
    arbitrary: fc.tuple(fc.integer({ min: 1, max: 5 }), fc.boolean()).map(([size, viaSetter]) => new ResizeCommand(size, viaSetter)),
  },
  { weight: 2, arbitrary: fc.constant(new ToggleCloseOnErrorCommand()) },
  {
    weight: 5,
    arbitrary: fc
      .constantFrom('sync', 'async', 'sync-fail', 'async-fail', 'deferred', 'deferred')
      .map((mode) => new SetCreateModeCommand(mode)),
  },
  { weight: 8, arbitrary: fc.tuple(pick, fc.boolean()).map(([index, succeed]) => new SettleCreateCommand(index, succeed)) },
  { weight: 2, arbitrary: fc.constant(new FailAllCreatesCommand()) },
  { weight: 2, arbitrary: fc.constantFrom<'async' | 'hang'>('async', 'async', 'hang').map((mode) => new SetDestroyModeCommand(mode)) },
  { weight: 3, arbitrary: pick.map((index) => new SettleDestroyCommand(index)) },
  {
    weight: 3,
    arbitrary: fc.constantFrom('valid', 'invalid', 'throw', 'deferred', 'deferred').map((mode) => new SetValidateModeCommand(mode)),
  },
  {
    weight: 5,
    arbitrary: fc
      .tuple(pick, fc.constantFrom<boolean | 'throw'>(true, true, false, 'throw'))
      .map(([index, answer]) => new SettleValidateCommand(index, answer)),
  },
  { weight: 8, arbitrary: fc.constantFrom(1, 10, 30, 100).map((ms) => new AdvanceTimeCommand(ms)) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(undefined, 20, 100), fc.boolean())
      .map(([timeoutMs, serveWaiting]) => new CloseCommand(timeoutMs, serveWaiting)),
  },
);
