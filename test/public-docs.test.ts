import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/run-program.js';

// What people who install the packages read: the READMEs, ARCHITECTURE and CHANGELOG files, the examples and the
// TSDoc of both packages' sources (the API reference is built from it). They speak of pyredis by name where the origin
// matters, never of "the seed", and point at no file that is neither in the repository nor in the package.

/** Internal names that mean nothing to a user; "seed nodes" of a cluster are a different thing and allowed. */
const FORBIDDEN: readonly RegExp[] = [/\bthe seed\b(?!s\b|\s+nodes?\b)/i, /\bseed's\b/i, /\bSPEC\.md\b/i, /\bSTYLE\.md\b/i, /\/work\/shared\b/];
const SKIPPED_DIRECTORIES = new Set(['node_modules', 'dist', '.git', '.tmp', 'fixtures']);

function walk(dir: string, keep: (file: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return SKIPPED_DIRECTORIES.has(name) ? [] : walk(path, keep);
    return keep(path) ? [path] : [];
  });
}

const markdown = walk(repoRoot, (file) => file.endsWith('.md'));
const sources = ['core', 'redis'].flatMap((name) => walk(join(repoRoot, 'packages', name, 'src'), (file) => file.endsWith('.ts')));
const examples = walk(join(repoRoot, 'examples'), (file) => /\.(mjs|js|ts)$/.test(file));
const publicFiles = [...markdown, ...sources, ...examples];

/** `file:line: text` for each line of `text` that names an internal reference. */
function internalReferences(file: string, text: string): string[] {
  return text.split('\n').flatMap((line, index) =>
    FORBIDDEN.some((pattern) => pattern.test(line)) ? [`${relative(repoRoot, file)}:${index + 1}: ${line.trim()}`] : [],
  );
}

/** A fenced code block of a Markdown document; group 2 is its body. */
const FENCED_BLOCK = /^(`{3,}|~{3,})[^\n]*\n([\s\S]*?)^\1\s*$/gm;

/** The targets of the Markdown links and images of a document, outside code spans and fenced blocks. */
function linkTargets(text: string): string[] {
  const prose = text.replace(FENCED_BLOCK, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g), ...prose.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/gm)].map(
    (match) => match[1] ?? '',
  );
}

describe('the internal-reference check itself', () => {
  it('flags "the seed", seed\'s, SPEC.md and a /work/shared path, and lets cluster seed nodes through', () => {
    const text = [
      'fails fast, like the seed.',
      "the seed's `sock`",
      'see SPEC.md',
      '(see /work/shared/seed)',
      'discovers the cluster from the seeds',
      'the seed node stands in for the address',
      "like pyredis' `AsyncBasePool`",
    ].join('\n');
    expect(internalReferences('x.md', text).map((line) => line.split(':')[1])).toEqual(['1', '2', '3', '4']);
  });

  it('reads link targets, and not the ones inside code', () => {
    const text = 'See [core](../core) and ![chart](img/a.svg "A").\n[ref]: ./LICENSE\n`[x](../y)`\n```md\n[z](../z)\n```\n';
    expect(linkTargets(text)).toEqual(['../core', 'img/a.svg', './LICENSE']);
  });
});

describe('public docs', () => {
  it('cover the READMEs, ARCHITECTURE files, examples and both packages\' sources', () => {
    const names = publicFiles.map((file) => relative(repoRoot, file).split(sep).join('/'));
    expect(names).toEqual(
      expect.arrayContaining(['README.md', 'packages/redis/ARCHITECTURE.md', 'packages/core/src/pool.ts', 'packages/redis/src/index.ts']),
    );
    expect(sources.length).toBeGreaterThan(20);
  });

  it('never say "the seed" or name SPEC.md, STYLE.md or an internal path', () => {
    expect(publicFiles.flatMap((file) => internalReferences(file, readFileSync(file, 'utf8')))).toEqual([]);
  });
});

/** The code of a Markdown document a reader may copy: code spans and the lines of fenced blocks. */
function codeOf(text: string): string[] {
  const fenced = [...text.matchAll(FENCED_BLOCK)].flatMap((match) => (match[2] ?? '').split('\n'));
  const prose = text.replace(FENCED_BLOCK, '');
  return [...fenced, ...[...prose.matchAll(/`([^`\n]+)`/g)].map((match) => match[1] ?? '')];
}

/** Commands that need a pnpm nobody installed: pnpm comes through `npx -y pnpm@<version>` only (no global pnpm). */
function barePnpm(code: readonly string[]): string[] {
  return code.filter((line) => /(^|[\s;&|(=])pnpm\s/.test(line) || /\bnpx\s+(?!-y pnpm@\d)\S*pnpm/.test(line));
}

describe('the bare-pnpm check itself', () => {
  it('flags `pnpm test`, `npx pnpm bench` and a fenced `pnpm install`, and lets `npx -y pnpm@10.34.8 test` through', () => {
    const text = 'Run `pnpm test` or `npx pnpm bench`, not `npx -y pnpm@10.34.8 test`.\n```sh\ncd x && pnpm install\n```\n';
    expect(barePnpm(codeOf(text))).toEqual(['cd x && pnpm install', 'pnpm test', 'npx pnpm bench']);
  });
});

describe('commands in the docs', () => {
  it('run pnpm as `npx -y pnpm@<version>`, which works where no pnpm is installed', () => {
    const found = markdown.flatMap((file) => barePnpm(codeOf(readFileSync(file, 'utf8'))).map((line) => `${relative(repoRoot, file)}: ${line}`));
    expect(found).toEqual([]);
  });

  it('pin the pnpm of package.json\'s packageManager', () => {
    const pinned = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { packageManager: string }).packageManager;
    const versions = markdown.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/npx -y (pnpm@[\d.]+)/g)].map((match) => match[1]));
    expect(versions.length).toBeGreaterThan(0);
    expect(new Set(versions)).toEqual(new Set([pinned]));
  });
});

describe.each(['core', 'redis'])('packages/%s/README.md on the npm website', (name) => {
  const readme = readFileSync(join(repoRoot, 'packages', name, 'README.md'), 'utf8');

  it('has only absolute links and in-page anchors (npmjs.com has no repository to resolve a relative one against)', () => {
    const relativeTargets = linkTargets(readme).filter((target) => !/^(https:\/\/|#|mailto:)/.test(target));
    expect(relativeTargets).toEqual([]);
  });
});
