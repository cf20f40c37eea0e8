import { v5 as uuidv5 } from 'uuid';

/**
 * Namespace of every adapter-derived event id (UUIDv5, RFC 9562). Fixed forever: changing it would give
 * redeliveries of old deliveries new ids, and the processor would count them twice.
 */
export const ADAPTER_EVENT_ID_NAMESPACE = 'ef42b94f-2a01-41de-b66c-bb442cb947f3';

/**
 * The event id for one event derived from one tool delivery: a UUIDv5 of the tool instance (`source`),
 * the tool's own delivery identity (GitHub's X-GitHub-Delivery, Standard Webhooks' webhook-id, the Data
 * Mesh Manager event id, a Backstage entity uid with its change) and a discriminator that tells apart the
 * several events one delivery may yield (event type, person, mapping entry and index). The same delivery,
 * delivered again, yields the same id, so the processor's de-duplication counts it once.
 */
export function deterministicEventId(source: string, deliveryId: string, discriminator: string): string {
  // Newlines cannot occur in header values or URIs, so the joined name is unambiguous.
  return uuidv5(`${source}\n${deliveryId}\n${discriminator}`, ADAPTER_EVENT_ID_NAMESPACE);
}

/**
 * A stable `source` URI for one tool instance: `https://github.com/acme`, `https://backstage.example.com`.
 * Trailing slashes are dropped so that configuration spelled either way gives the same ids.
 */
export function toolSource(instanceUrl: string): string {
  const url = new URL(instanceUrl);
  url.hash = '';
  url.search = '';
  return url.toString().replace(/\/+$/, '');
}
