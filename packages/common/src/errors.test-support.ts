import type { ErrorCodeInfo, Retriability } from './error-codes.ts';

/**
 * The table of docs/errors.md as data: `code` → retriable (yes, no, depends) and HTTP status, read
 * from the rows `| \`MM_ERR_…\` | yes | 503 | …`. Shared by the unit test of the codes and the
 * cross-package test of every error class.
 */
export function documentedErrorCodes(markdown: string): Map<string, ErrorCodeInfo> {
  const rows = new Map<string, ErrorCodeInfo>();
  const row = /^\|\s*`(MM_ERR_[A-Z_]+)`\s*\|\s*(yes|no|depends)\s*\|\s*(\d{3})\s*\|/gm;
  for (const match of markdown.matchAll(row)) {
    const word = match[2] as string;
    const retriable: Retriability = word === 'depends' ? 'depends' : word === 'yes';
    rows.set(match[1] as string, { retriable, httpStatus: Number(match[3]) });
  }
  return rows;
}
