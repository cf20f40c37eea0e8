import { STATUS_CODES } from 'node:http';

/**
 * The one error answer of every service (docs/errors.md, "Error answers"): fastify's
 * `{statusCode, code, error, message}` with `error` the status text, plus `retriable`, and `field` and
 * `issues` when the error names its inputs.
 */
const REQUIRED_KEYS = ['statusCode', 'code', 'error', 'message', 'retriable'] as const;
const ALLOWED_KEYS = new Set<string>([...REQUIRED_KEYS, 'field', 'issues']);
const ERROR_CODE = /^MM_ERR_[A-Z0-9_]+$/;

export interface Answer {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, unknown>>;
  readonly body: string;
}

function parsedBody(answer: Answer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(answer.body);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function validIssues(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.every(
      (i: unknown) =>
        typeof i === 'object' &&
        i !== null &&
        typeof (i as { field?: unknown }).field === 'string' &&
        typeof (i as { reason?: unknown }).reason === 'string',
    )
  );
}

/** Why an error answer is not the documented shape, or undefined when it is. */
export function errorShapeProblem(answer: Answer): string | undefined {
  const type = String(answer.headers['content-type'] ?? '');
  if (!type.startsWith('application/json')) return `content-type ${JSON.stringify(type)}, not JSON`;
  const body = parsedBody(answer);
  if (!body) return 'the body is not a JSON object';
  const missing = REQUIRED_KEYS.filter((k) => !(k in body));
  if (missing.length > 0) return `lacks ${missing.join(', ')}`;
  const extra = Object.keys(body).filter((k) => !ALLOWED_KEYS.has(k));
  if (extra.length > 0) return `has ${extra.join(', ')} beside the documented keys`;
  if (body['statusCode'] !== answer.statusCode) return `statusCode ${String(body['statusCode'])}`;
  if (typeof body['code'] !== 'string' || !ERROR_CODE.test(body['code']))
    return `code ${JSON.stringify(body['code'])} is not MM_ERR_*`;
  if (body['error'] !== STATUS_CODES[answer.statusCode])
    return `error ${JSON.stringify(body['error'])}, not ${JSON.stringify(STATUS_CODES[answer.statusCode])}`;
  if (typeof body['message'] !== 'string' || body['message'] === '') return 'message is not a sentence';
  if (typeof body['retriable'] !== 'boolean') return 'retriable is not a boolean';
  if ('field' in body && typeof body['field'] !== 'string') return 'field is not a string';
  if ('issues' in body && !validIssues(body['issues'])) return 'issues is not a list of {field, reason}';
  return undefined;
}

/** The code of an error answer, for grouping. */
export function errorCodeOf(answer: Answer): string | undefined {
  const code = parsedBody(answer)?.['code'];
  return typeof code === 'string' ? code : undefined;
}

const READINESS_PATH = '/readyz';

/**
 * A 5xx is allowed only as a dependency's 503: the documented shape, retriable, with a code of its own
 * (a broker, a store unavailable), never an internal error.
 */
export function isDependency503(answer: Answer, path: string): boolean {
  if (answer.statusCode !== 503) return false;
  // The readiness probe says so when a dependency is down; that is its contract (packages/service-kit).
  if (path === READINESS_PATH) return true;
  if (errorShapeProblem(answer) !== undefined || parsedBody(answer)?.['retriable'] !== true) return false;
  return !/INTERNAL/.test(errorCodeOf(answer) ?? 'INTERNAL');
}

/** The configured secrets `text` contains (names only, never the values). */
export function secretsIn(text: string, secrets: ReadonlyMap<string, string>): string[] {
  const found: string[] = [];
  for (const [name, value] of secrets) if (text.includes(value)) found.push(name);
  return found;
}

/** `text` with each configured secret replaced by its name, so a report never repeats one. */
export function masked(text: string, secrets: ReadonlyMap<string, string>): string {
  let out = text;
  for (const [name, value] of secrets) out = out.split(value).join(`[${name}]`);
  return out;
}
