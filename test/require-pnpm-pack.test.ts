import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runNode } from './support/run-program.js';

// `npm pack` in packages/redis would ship "@pool/core": "workspace:^", which npm then cannot install (it fails with a
// bare "npm error"); its prepack stops npm pack with one line naming the command that works.

describe('packages/redis prepack', () => {
  it('runs scripts/require-pnpm-pack.mjs', async () => {
    const manifest = JSON.parse(await readFile(join(repoRoot, 'packages/redis/package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(manifest.scripts['prepack']).toBe('node ../../scripts/require-pnpm-pack.mjs');
  });

  it('stops npm pack with the pnpm command to run instead', async () => {
    const result = await runNode('scripts/require-pnpm-pack.mjs', { env: { npm_config_user_agent: 'npm/11.19.1 node/v20.20.2 linux x64' } });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'Pack this package with `npx -y pnpm@10.34.8 pack`: npm pack would ship "workspace:^" dependencies that npm cannot install.',
    );
  });

  it('lets pnpm pack through', async () => {
    const result = await runNode('scripts/require-pnpm-pack.mjs', { env: { npm_config_user_agent: 'pnpm/10.34.8 npm/? node/v20.20.2 linux x64' } });
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  });
});
