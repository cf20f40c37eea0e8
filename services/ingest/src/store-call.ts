import { StoreUnavailableError } from '@mesh-momentum/common';

/**
 * Runs one Redis operation of the gateway; any failure (down, timed out, READONLY, OOM) becomes
 * StoreUnavailableError: 503 with Retry-After, retriable, instead of an unexplained 500.
 */
export async function storeCall<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof StoreUnavailableError) throw error;
    throw new StoreUnavailableError(`Redis could not ${what}: ${(error as Error).message}`, { cause: error });
  }
}
