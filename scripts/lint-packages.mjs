#!/usr/bin/env node
// `pnpm lint:packages`: packs each package the way it is published (`pnpm pack`, which rewrites workspace:
// ranges) and lints the tarball with publint (strict: warnings fail) and @arethetypeswrong/cli (every module
// resolution: node10, node16 from CJS and from ESM, bundler). Needs `pnpm build` first. Exits non-zero on any problem.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const packages = ['core', 'redis'];
const bin = (name) => join(root, 'node_modules', '.bin', name);
const destination = mkdtempSync(join(tmpdir(), 'pool-lint-packages-'));
let failures = 0;

/** Runs a command with inherited output; returns whether it succeeded. */
function run(command, args, cwd = root) {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  if (result.error !== undefined) throw result.error;
  return result.status === 0;
}

try {
  for (const name of packages) {
    console.log(`\n== @pool/${name}`);
    if (!run(bin('pnpm'), ['pack', '--pack-destination', destination], join(root, 'packages', name))) {
      failures++;
      continue;
    }
    const tarball = readdirSync(destination).find((file) => file.startsWith(`pool-${name}-`) && file.endsWith('.tgz'));
    if (tarball === undefined) throw new Error(`pnpm pack left no pool-${name}-*.tgz`);
    const path = join(destination, tarball);
    if (!run(bin('publint'), ['run', '--strict', '--pack', 'false', path])) failures++;
    if (!run(bin('attw'), ['--format', 'table-flipped', path])) failures++;
  }
} finally {
  rmSync(destination, { recursive: true, force: true });
}

console.log(failures === 0 ? '\nlint:packages: every package passes publint and attw' : `\nlint:packages: ${failures} check(s) failed`);
process.exitCode = failures === 0 ? 0 : 1;
