import { isNode, LineCounter, parseDocument } from 'yaml';
import { MappingInvalidError } from './errors.ts';

/** A parsed YAML (or JSON: YAML is a superset) file that can say on which line a value sits. */
export interface YamlSource {
  readonly value: unknown;
  /** 1-based line of the node at `path` (e.g. ['mappings', 2, 'fields', 'domain']), if known. */
  lineOf(path: readonly (string | number)[]): number | undefined;
}

/**
 * Parses mapping text with positions. Syntax errors become MM_ERR_MAPPING_INVALID naming the line, so
 * a broken file stops the service at start-up with a message its author can act on.
 */
export function parseYamlSource(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new MappingInvalidError(
      file,
      doc.errors.map((error) => ({
        entry: '(file)',
        line: lineCounter.linePos(error.pos[0]).line,
        reason: error.message.split('\n')[0] ?? 'syntax error',
      })),
    );
  }
  return {
    value: doc.toJS({ maxAliasCount: 100 }) as unknown,
    lineOf(path) {
      // Walk up the path until a node with a position is found: a missing field reports its entry's line.
      for (let depth = path.length; depth >= 0; depth--) {
        const node = doc.getIn(path.slice(0, depth), true);
        if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
      }
      return undefined;
    },
  };
}
