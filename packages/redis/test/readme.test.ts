import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from './support/redis-server.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');

/** The ```ts blocks of the README, each with the heading it sits under. */
function extractBlocks(markdown: string): { heading: string; code: string }[] {
  const blocks: { heading: string; code: string }[] = [];
  let heading = '(top)';
  const lines = markdown.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string;
    if (line.startsWith('#')) heading = line.replace(/^#+\s*/, '');
    if (line.trim() !== '```ts') continue;
    const end = lines.indexOf('```', index + 1);
    blocks.push({ heading, code: lines.slice(index + 1, end).join('\n') });
    index = end;
  }
  return blocks;
}

const blocks = extractBlocks(readme);
let server: RedisServer;
let dir: string;

beforeAll(async () => {
  server = await RedisServer.start();
  process.env['REDIS_URL'] = server.url;
  // Inside the package so that vitest resolves `@pool/redis` and transforms TypeScript as for any test file.
  dir = mkdtempSync(join(packageDir, 'test', '.readme-'));
});

afterAll(async () => {
  delete process.env['REDIS_URL'];
  rmSync(dir, { recursive: true, force: true });
  await server.stop();
});

describe('README examples', () => {
  it('has runnable examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(6);
  });

  it.each(blocks.map((block, index) => [`${index + 1}: ${block.heading}`, block.code] as const))('example %s runs', async (_, code) => {
    const file = join(dir, `example-${Math.random().toString(36).slice(2)}.ts`);
    writeFileSync(file, `${code}\nexport {};\n`);
    await import(/* @vite-ignore */ file);
  });
});
