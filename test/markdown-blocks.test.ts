import { describe, expect, it } from 'vitest';
import { expectedOutputLines, extractCodeBlocks, firstMissingLine } from './support/markdown-blocks.js';

// The README harness (readme.test.ts) is only as good as its extraction; these pin what it finds.

const FENCE = '```';

describe('extractCodeBlocks', () => {
  it('finds ts and js blocks with their opening line and skips other languages', () => {
    const markdown = ['# Title', `${FENCE}sh`, 'npm install', FENCE, `${FENCE}ts`, 'const a = 1;', FENCE, `${FENCE}javascript`, 'let b;', FENCE].join('\n');
    expect(extractCodeBlocks(markdown)).toEqual([
      { language: 'ts', line: 5, code: 'const a = 1;', noRunReason: undefined },
      { language: 'js', line: 8, code: 'let b;', noRunReason: undefined },
    ]);
  });

  it('reads the no-run marker and its reason', () => {
    const markdown = [`${FENCE}ts no-run needs a Redis cluster on seven ports`, 'await cluster.execute();', FENCE].join('\n');
    expect(extractCodeBlocks(markdown)[0]?.noRunReason).toBe('needs a Redis cluster on seven ports');
  });

  it('keeps a fence of another language inside a longer fence as code', () => {
    const markdown = ['````ts', `const text = \`${FENCE}js\`;`, '````'].join('\n');
    expect(extractCodeBlocks(markdown)).toHaveLength(1);
  });

  it('removes the indentation of a block nested in a list', () => {
    const markdown = ['- step', `  ${FENCE}ts`, '  const a = 1;', '    nested();', `  ${FENCE}`].join('\n');
    expect(extractCodeBlocks(markdown)[0]?.code).toBe('const a = 1;\n  nested();');
  });
});

describe('expectedOutputLines and firstMissingLine', () => {
  it('takes the trailing comment of one-line console.log calls only', () => {
    const code = ["console.log(a); // 1", 'foo(); // not output', "console.log('x', b); // x 2", 'console.log(c);'].join('\n');
    expect(expectedOutputLines(code)).toEqual(['1', 'x 2']);
  });

  it('accepts promised lines in order with other output between, and reports the first one missing', () => {
    expect(firstMissingLine(['used 1', '1', 'noise', 'x 2'], ['1', 'x 2'])).toBeUndefined();
    expect(firstMissingLine(['x 2', '1'], ['1', 'x 2'])).toBe('x 2');
    expect(firstMissingLine(['10'], ['1'])).toBe('1');
  });
});
