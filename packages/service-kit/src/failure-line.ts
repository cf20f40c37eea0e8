import { MeshMomentumError } from '@mesh-momentum/common';

/**
 * The one line a service prints on stderr when it cannot start or must stop: `<role>: <message>`, and
 * the stable code in brackets when the error has one, so an operator can look it up in docs/errors.md.
 */
export function failureLine(role: string, error: unknown): string {
  if (error instanceof MeshMomentumError) return `${role}: ${error.message} [${error.code}]`;
  return `${role}: ${error instanceof Error ? error.message : String(error)}`;
}
