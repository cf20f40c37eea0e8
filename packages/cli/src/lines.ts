/**
 * Reads a byte stream as lines of strict UTF-8. Node's readline decodes with replacement: a byte that
 * is not UTF-8 silently becomes U+FFFD and would be sent as data. Here each line is decoded on its
 * own with a fatal decoder, so a bad line is reported by number and the others still go through.
 */

export type Line =
  | { readonly kind: 'text'; readonly text: string; readonly bytes: number }
  /** Not valid UTF-8 (the decoder does not say where; the line number does). */
  | { readonly kind: 'invalid-utf8'; readonly bytes: number }
  /** Longer than the limit: its bytes were dropped while reading, up to the next newline. */
  | { readonly kind: 'too-long'; readonly bytes: number };

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

function decode(bytes: Buffer): Line {
  const end =
    bytes.length > 0 && bytes[bytes.length - 1] === CARRIAGE_RETURN ? bytes.length - 1 : bytes.length;
  try {
    // A fresh decoder per line: `fatal` throws on the first invalid sequence, and no state leaks over.
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end));
    return { kind: 'text', text, bytes: bytes.length + 1 };
  } catch {
    return { kind: 'invalid-utf8', bytes: bytes.length + 1 };
  }
}

/**
 * The lines of `input` (LF or CRLF separated; a last line without a newline counts). Memory stays
 * bounded by `maxLineBytes`: a longer line is skipped and reported as `too-long`.
 */
export async function* readLines(
  input: AsyncIterable<Buffer | string>,
  maxLineBytes: number,
): AsyncGenerator<Line> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let overflowing = false;
  for await (const chunk of input) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    let start = 0;
    for (let i = buffer.indexOf(NEWLINE); i !== -1; i = buffer.indexOf(NEWLINE, start)) {
      const piece = buffer.subarray(start, i);
      start = i + 1;
      if (overflowing || pendingBytes + piece.length > maxLineBytes) {
        yield { kind: 'too-long', bytes: pendingBytes + piece.length + 1 };
      } else {
        yield decode(pending.length === 0 ? piece : Buffer.concat([...pending, piece]));
      }
      pending = [];
      pendingBytes = 0;
      overflowing = false;
    }
    const rest = buffer.subarray(start);
    pendingBytes += rest.length;
    if (pendingBytes > maxLineBytes) {
      overflowing = true;
      pending = [];
    } else if (rest.length > 0) {
      // Copy: the stream may reuse its chunk buffers.
      pending.push(Buffer.from(rest));
    }
  }
  if (overflowing) yield { kind: 'too-long', bytes: pendingBytes };
  else if (pendingBytes > 0) yield decode(Buffer.concat(pending));
}
