import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Reading the project's Markdown as a newcomer does: which files there are, their fenced blocks with the
 * marker comment before each, their headings' anchors. Shared by the docs tests (unit and integration).
 */

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Every file a fresh clone has (tracked, or new and not ignored), relative to ROOT: no caches, no builds. */
export function repositoryFiles(): string[] {
  return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
    .split('\n')
    .filter((f) => f !== '' && existsSync(join(ROOT, f)));
}

export const markdownFiles = (): string[] => repositoryFiles().filter((f) => f.endsWith('.md'));

export const readDoc = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

export interface FencedBlock {
  /** The info string's first word: `sh`, `ts`, `json`, or '' for none. */
  readonly lang: string;
  readonly body: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The HTML comment on the last non-blank line before the fence, without `<!--`/`-->`, if any. */
  readonly marker: string | undefined;
}

export function fencedBlocks(markdown: string): FencedBlock[] {
  const lines = markdown.split('\n');
  const blocks: FencedBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})\s*([\w-]*)/.exec(lines[i] as string);
    if (!open) continue;
    const fence = open[1] as string;
    let end = i + 1;
    while (end < lines.length && !(lines[end] as string).startsWith(fence)) end++;
    let before = i - 1;
    while (before >= 0 && (lines[before] as string).trim() === '') before--;
    const comment = before >= 0 ? /^<!--\s*(.*?)\s*-->$/.exec((lines[before] as string).trim()) : null;
    blocks.push({
      lang: open[2] ?? '',
      body: lines.slice(i + 1, end).join('\n'),
      line: i + 1,
      marker: comment?.[1],
    });
    i = end;
  }
  return blocks;
}

/** Markdown without its fenced blocks (a heading inside code is not a heading). */
export function withoutFences(markdown: string): string {
  return markdown.replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
}

/** Markdown without its fenced blocks and code spans (a link inside code is not a link). */
export const withoutCode = (markdown: string): string => withoutFences(markdown).replace(/`[^`\n]+`/g, '');

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slugOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Every anchor a page offers: its headings' slugs (repeats numbered -1, -2 as GitHub does) and HTML ids. */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const match of withoutFences(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const slug = slugOf(match[1] as string);
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  for (const match of markdown.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(match[1] as string);
  return anchors;
}

/** The marker before a shell block that only illustrates: `<!-- illustrative: why it is not run -->`. */
export const ILLUSTRATIVE = /^illustrative:\s*(\S.*)$/;

/** The marker before a code block that must equal a committed file: `<!-- example: examples/x.ts -->`. */
export const EXAMPLE = /^example:\s*(\S+)$/;

export const SHELL_LANGS = new Set(['sh', 'bash', 'shell', 'console']);

export interface ShellCommand {
  readonly file: string;
  readonly line: number;
  /** The command as written, continuation lines joined, the comment removed. */
  readonly text: string;
}

/** Removes a trailing ` # comment` outside quotes. */
function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1] as string))) return line.slice(0, i).trimEnd();
  }
  return line.trimEnd();
}

/** The commands of every shell block not marked illustrative, one per logical line. */
export function shellCommands(file: string, markdown: string): ShellCommand[] {
  const commands: ShellCommand[] = [];
  for (const block of fencedBlocks(markdown)) {
    if (!SHELL_LANGS.has(block.lang) || (block.marker && ILLUSTRATIVE.test(block.marker))) continue;
    const lines = block.body.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const start = i;
      let text = stripComment(lines[i] as string);
      while (text.endsWith('\\') && i + 1 < lines.length)
        text = `${text.slice(0, -1)} ${stripComment(lines[++i] as string).trim()}`;
      if (text.trim() !== '') commands.push({ file, line: block.line + 1 + start, text: text.trim() });
    }
  }
  return commands;
}

/** Commands written inline, in code spans that start with a command (`pnpm bench:processor -- --events 1000`). */
export function inlineCommands(file: string, markdown: string): ShellCommand[] {
  const lines = withoutFences(markdown).split('\n');
  return lines.flatMap((text, i) =>
    [...text.matchAll(/`((?:pnpm|redis-cli|curl|bash) [^`]+)`/g)].map((m) => ({
      file,
      line: i + 1,
      text: (m[1] as string).trim(),
    })),
  );
}

/**
 * Splits a command line into words the way a POSIX shell would for these simple commands: quotes
 * removed, `$VAR` kept as written. Pipelines and lists (`&&`, `||`, `;`, `|`) become separate commands.
 */
export function splitCommand(text: string): string[][] {
  const commands: string[][] = [[]];
  let word = '';
  let inWord = false;
  let quote: string | undefined;
  const endWord = () => {
    if (inWord) (commands.at(-1) as string[]).push(word);
    word = '';
    inWord = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote) {
      if (c === quote) quote = undefined;
      else word += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (/\s/.test(c)) endWord();
    else if (c === ';' || c === '|' || (c === '&' && text[i + 1] === '&')) {
      endWord();
      if (text[i + 1] === c) i++;
      commands.push([]);
    } else {
      word += c;
      inWord = true;
    }
  }
  endWord();
  return commands.filter((words) => words.length > 0);
}
