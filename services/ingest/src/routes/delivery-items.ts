import type {
  AdapterOutcome,
  DeliveryItem,
  IgnoredReason,
  ToolName,
  UnmappedEntity,
} from '@mesh-momentum/adapters';
import { isDataError } from '@mesh-momentum/common';
import type { GatewayContext } from '../context.ts';
import { errorBody, type ErrorBody } from '@mesh-momentum/service-kit';
import { refusal } from '../unmapped.ts';

/** One tool event's answer in a delivery that carries several. */
export type ItemResult =
  | {
      readonly index: number;
      readonly statusCode: 202;
      readonly ids: readonly string[];
      readonly ignored?: IgnoredReason;
    }
  | ({ readonly index: number } & ErrorBody);

export interface PublishedDelivery {
  /** Ids of the events Kafka acknowledged, in item order. */
  readonly sent: readonly string[];
  /** Why nothing was sent, when an item says so (the first). */
  readonly ignored: IgnoredReason | undefined;
  readonly unmapped: readonly UnmappedEntity[];
  /** Items refused for good (listed with the unmapped entities). */
  readonly refused: number;
  /** One per item, when the delivery carries several; absent for one. */
  readonly results: readonly ItemResult[] | undefined;
}

/**
 * Sends the events of a webhook delivery's tool events (items) and says what became of each. One item
 * (GitHub, generic, a single ChangeEvent): all or nothing, any refusal is thrown, and the tool's retry is
 * the right answer to it. Several (an OpenMetadata batch): each item on its own, validated as a whole;
 * one refused for good (a payload the adapter cannot read, an event validation refuses) is counted and
 * listed with the unmapped entities, as the pollers do, and the others are sent, so nothing valid is
 * lost and a bad item never blocks the rest. Any other failure (Kafka, the registry: `isDataError` says
 * which is which) is thrown whatever the count: the whole delivery is answered with it and retried, and what was already acknowledged is resent
 * under the same ids, which the processor counts once.
 */
export async function publishDeliveryItems(
  ctx: GatewayContext,
  delivery: { readonly tool: ToolName; readonly label: string },
  items: readonly DeliveryItem[],
  nowMs: number,
): Promise<PublishedDelivery> {
  const perItem = items.length > 1;
  const mapped: { index: number; ref: string; outcome: AdapterOutcome }[] = [];
  const refused: UnmappedEntity[] = [];
  const results: ItemResult[] = [];
  items.forEach((item, index) => {
    if ('outcome' in item) return void mapped.push({ index, ...item });
    if (!perItem) throw item.error;
    results[index] = { index, ...errorBody(item.error) };
    refused.push(refusal(delivery.tool, item.ref, item.error));
  });
  const unmapped = mapped.flatMap((m) => m.outcome.unmapped);
  for (const u of unmapped) ctx.metrics.unmapped.inc({ tool: u.tool });
  await ctx.unmapped.record([...unmapped, ...refused], nowMs);

  const started = performance.now();
  const groups = await ctx.publisher.publishGroups(
    mapped.map((m) => m.outcome.events as unknown as Record<string, unknown>[]),
  );
  const sent: string[] = [];
  const refusedLate: UnmappedEntity[] = [];
  groups.forEach((group, g) => {
    const { index, ref, outcome } = mapped[g] as (typeof mapped)[number];
    if (group.ok) {
      const ids = group.sent.map((e) => e.id);
      sent.push(...ids);
      results[index] = {
        index,
        statusCode: 202,
        ids,
        ...(ids.length === 0 && outcome.ignored ? { ignored: outcome.ignored } : {}),
      };
      return;
    }
    // Only bad data refuses one item alone; a dependency's failure (Kafka, a registry refusing us) fails
    // the whole delivery, answered with its error so the tool retries, and nothing is listed as refused.
    if (!perItem || !isDataError(group.error)) throw group.error;
    results[index] = { index, ...errorBody(group.error) };
    refusedLate.push(refusal(delivery.tool, ref, group.error));
  });
  await ctx.unmapped.record(refusedLate, nowMs);

  if (sent.length > 0) ctx.metrics.ackSeconds.observe((performance.now() - started) / 1000);
  ctx.metrics.events.inc({ origin: delivery.label, outcome: 'accepted', code: '' }, sent.length);
  for (const r of results) {
    if ('code' in r) ctx.metrics.events.inc({ origin: delivery.label, outcome: 'refused', code: r.code });
  }
  const ignored = mapped.map((m) => m.outcome.ignored).filter((i) => i !== undefined);
  for (const i of ignored) ctx.metrics.ignored.inc({ tool: delivery.label, reason: i.code });
  return {
    sent,
    ignored: ignored[0],
    unmapped,
    refused: refused.length + refusedLate.length,
    results: perItem ? results : undefined,
  };
}
