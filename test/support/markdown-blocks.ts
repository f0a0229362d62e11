/** A fenced code block found in a Markdown file. */
export interface CodeBlock {
  /** `ts` or `js` (`typescript`, `mts`, `javascript`, `mjs` are folded into these). */
  readonly language: 'ts' | 'js';
  /** 1-based line of the opening fence, for names and error messages. */
  readonly line: number;
  readonly code: string;
  /** The reason after a `no-run` marker (```ts no-run <reason>), or undefined when the block runs. */
  readonly noRunReason: string | undefined;
}

const LANGUAGES: Record<string, 'ts' | 'js'> = { ts: 'ts', typescript: 'ts', mts: 'ts', js: 'js', javascript: 'js', mjs: 'js' };

/**
 * Extracts the TypeScript and JavaScript blocks of a Markdown document, in order. Other fences (sh, json, ...) are
 * skipped. A block opts out of running only with a visible marker and a reason: ```ts no-run needs a live cluster.
 */
export function extractCodeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const opening = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)\s*(.*)$/.exec(lines[index] ?? '');
    if (opening === null) continue;
    const [, indent = '', fence = '```', info = '', rest = ''] = opening;
    const body: string[] = [];
    let end = index + 1;
    while (end < lines.length && !(lines[end] ?? '').trimStart().startsWith(fence)) body.push(lines[end++] ?? '');
    const language = LANGUAGES[info.toLowerCase()];
    if (language !== undefined) {
      const marker = /^no-run\b\s*(.*)$/.exec(rest.trim());
      blocks.push({
        language,
        line: index + 1,
        code: body.map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line)).join('\n'),
        noRunReason: marker === null ? undefined : marker[1] ?? '',
      });
    }
    index = end;
  }
  return blocks;
}

/**
 * The output a block promises: the trailing comment of each one-line `console.log(...)` call, in order
 * (`console.log(pool.stats().inUse); // 0` promises a line `0`).
 */
export function expectedOutputLines(code: string): string[] {
  const expected: string[] = [];
  for (const line of code.split('\n')) {
    const match = /console\.log\(.*\);?\s*\/\/\s*(.*?)\s*$/.exec(line);
    if (match?.[1] !== undefined && match[1] !== '') expected.push(match[1]);
  }
  return expected;
}

/**
 * Whether `expected` appears in `actual` in order, each as a whole line (other lines may come in between).
 * Returns the first expected line not found, or undefined when all are.
 */
export function firstMissingLine(actual: readonly string[], expected: readonly string[]): string | undefined {
  let position = 0;
  for (const wanted of expected) {
    while (position < actual.length && actual[position] !== wanted) position++;
    if (position === actual.length) return wanted;
    position++;
  }
  return undefined;
}
