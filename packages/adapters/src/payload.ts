import { AdapterPayloadError } from './errors.ts';

/**
 * Small readers over untrusted JSON. Each names the dotted path it read, so an adapter's error tells the
 * tool's operator exactly which field of their payload is missing or of the wrong type.
 */
export type Json = unknown;

export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function at(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (Array.isArray(current) && /^\d+$/.test(key)) current = current[Number(key)];
    else if (isRecord(current)) current = current[key];
    else return undefined;
  }
  return current;
}

export class PayloadReader {
  readonly tool: string;
  readonly root: unknown;

  constructor(tool: string, root: unknown) {
    this.tool = tool;
    this.root = root;
  }

  /** The value at `path`, or undefined when any step is missing. */
  get(path: string): unknown {
    return at(this.root, path);
  }

  optionalString(path: string): string | undefined {
    const value = this.get(path);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw new AdapterPayloadError(this.tool, path, 'must be a string');
    return value;
  }

  string(path: string): string {
    const value = this.optionalString(path);
    if (value === undefined || value.trim() === '') {
      throw new AdapterPayloadError(this.tool, path, 'is required (a non-empty string)');
    }
    return value;
  }

  optionalBoolean(path: string): boolean | undefined {
    const value = this.get(path);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') throw new AdapterPayloadError(this.tool, path, 'must be true or false');
    return value;
  }

  optionalNumber(path: string): number | undefined {
    const value = this.get(path);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new AdapterPayloadError(this.tool, path, 'must be a number');
    }
    return value;
  }

  optionalArray(path: string): readonly unknown[] {
    const value = this.get(path);
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw new AdapterPayloadError(this.tool, path, 'must be an array');
    return value;
  }

  /** An RFC 3339 time as epoch ms, or undefined when absent. */
  optionalTimeMs(path: string): number | undefined {
    const value = this.optionalString(path);
    if (value === undefined) return undefined;
    const ms = Date.parse(value);
    if (!Number.isFinite(ms)) throw new AdapterPayloadError(this.tool, path, 'must be an RFC 3339 time');
    return ms;
  }
}

/** `{key: string}` maps (annotations, labels, custom fields): non-string values are dropped. */
export function stringMap(value: unknown): Readonly<Record<string, string>> {
  if (!isRecord(value)) return {};
  const out: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) if (typeof entry === 'string') out[key] = entry;
  return out;
}
