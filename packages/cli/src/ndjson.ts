/**
 * One line of an NDJSON bulk file: a JSON object with the event `type` and its fields. Blank lines are
 * skipped (a trailing newline is not an event). Pure: the command reads lines, this judges them.
 */

export type NdjsonLine =
  | { readonly kind: 'skip' }
  | { readonly kind: 'event'; readonly type: string; readonly input: Record<string, unknown> }
  | { readonly kind: 'bad'; readonly reason: string };

/** Longest line accepted, in characters: a runaway line must not exhaust memory. */
export const MAX_LINE_CHARS = 1_000_000;
/** Longest line read, in bytes (4 per character at most): longer ones are skipped while reading. */
export const MAX_LINE_BYTES = 4 * MAX_LINE_CHARS;

export function parseNdjsonLine(line: string): NdjsonLine {
  const text = line.trim();
  if (text === '') return { kind: 'skip' };
  if (text.length > MAX_LINE_CHARS)
    return { kind: 'bad', reason: `line longer than ${MAX_LINE_CHARS} characters` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { kind: 'bad', reason: `not JSON: ${(error as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'bad', reason: 'must be a JSON object (one event per line)' };
  }
  const { type, ...input } = value as Record<string, unknown>;
  if (typeof type !== 'string' || type === '') {
    return { kind: 'bad', reason: 'type: missing (every line names its event type)' };
  }
  return { kind: 'event', type, input };
}
