import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as loaded from 'ioredis';
import { describe, expect, it } from 'vitest';

// The suite runs on ioredis 6 (the workspace's dev dependency) and, in CI, on ioredis 5 (vitest.ioredis5.config.ts
// sets POOL_IOREDIS_MAJOR=5 and aliases `ioredis` to the `ioredis5` dev dependency). This proves which one it ran on.
const require = createRequire(import.meta.url);
const major = process.env.POOL_IOREDIS_MAJOR ?? '6';
const entry = require.resolve(major === '5' ? 'ioredis5' : 'ioredis');

describe('the ioredis this run uses', () => {
  it(`is ioredis ${major}, the same module the sources import`, () => {
    const manifest = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { name: string; version: string };
    expect(manifest.name).toBe('ioredis');
    expect(manifest.version.split('.')[0]).toBe(major);
    expect(loaded.Redis).toBe((require(entry) as typeof loaded).Redis);
  });
});
