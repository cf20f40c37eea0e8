import type { DataProductTier } from '@mesh-momentum/events';
import type { IdentityResolver, UnmappedEntity } from '../identity/types.ts';
import { UNVERSIONED } from '../outcome.ts';
import { readEntity, refName, type BackstageEntity } from './entities.ts';

export interface BackstageOptions {
  /**
   * Which entities are data products: kind and `spec.type` pairs.
   * @defaultValue Component, Resource and System entities of type `data-product`
   */
  readonly productKinds: readonly { readonly kind: string; readonly types: readonly string[] }[];
  /** Entities carrying this annotation are data products whatever their kind. @defaultValue 'mesh-momentum.io/product-id' */
  readonly productAnnotation: string;
  /** Annotation with the product version. @defaultValue 'mesh-momentum.io/version' */
  readonly versionAnnotation: string;
  /** Relations from a consumer to a product or to an API a product provides. @defaultValue consumesApi, dependsOn */
  readonly consumerRelations: readonly string[];
  /** `spec.lifecycle` values that mean retired. @defaultValue ['deprecated'] */
  readonly retiredLifecycles: readonly string[];
}

export const DEFAULT_BACKSTAGE_OPTIONS: BackstageOptions = Object.freeze({
  productKinds: [
    { kind: 'Component', types: ['data-product'] },
    { kind: 'Resource', types: ['data-product'] },
    { kind: 'System', types: ['data-product'] },
  ],
  productAnnotation: 'mesh-momentum.io/product-id',
  versionAnnotation: 'mesh-momentum.io/version',
  consumerRelations: ['consumesApi', 'dependsOn'],
  retiredLifecycles: ['deprecated'],
});

export interface SnapshotProduct {
  readonly uid: string;
  readonly productId: string;
  readonly domain: string;
  readonly name: string;
  readonly version: string;
  readonly ownerTeam: string;
  readonly tier: DataProductTier;
  readonly retired: boolean;
}

export interface SnapshotConsumption {
  readonly productRef: string;
  readonly productUid: string;
  readonly productId: string;
  readonly domain: string;
  readonly consumerTeam: string;
}

/**
 * What the poller keeps between polls (JSON-serialisable; store it as is). Products by entity ref;
 * consumptions by `<productRef>|<team>`: one team consuming a product through several components is one
 * consumer, onboarded with the first and offboarded with the last.
 */
export interface BackstageSnapshot {
  readonly version: 1;
  readonly products: Readonly<Record<string, SnapshotProduct>>;
  readonly consumptions: Readonly<Record<string, SnapshotConsumption>>;
  readonly unmapped: readonly UnmappedEntity[];
  /**
   * How many rounds with changes led to this snapshot (`advanceSnapshot`): part of every event id, so a
   * change undone and redone later (a consumer relation removed by mistake and restored) is a new event
   * and not a copy the processor's de-duplication would drop. Absent in a freshly built snapshot.
   */
  readonly round?: number;
}

function isProduct(entity: BackstageEntity, options: BackstageOptions): boolean {
  if (entity.annotations[options.productAnnotation] !== undefined) return true;
  return options.productKinds.some(
    (k) =>
      k.kind.toLowerCase() === entity.kind.toLowerCase() &&
      entity.specType !== undefined &&
      k.types.includes(entity.specType),
  );
}

function ownerTeamOf(entity: BackstageEntity): string | undefined {
  const owned = entity.relations.find((r) => r.type === 'ownedBy');
  if (owned) return refName(owned.targetRef);
  return entity.owner === undefined ? undefined : refName(entity.owner.toLowerCase());
}

/**
 * Turns the catalog's entities into a snapshot: the data products (resolved to product id and domain
 * through the identity mapping) and which teams consume them. Entities that look like products but
 * resolve to nothing are listed in `unmapped`.
 *
 * @throws AdapterPayloadError naming the entity and field when an entity lacks kind or metadata.name.
 */
export function buildBackstageSnapshot(
  entities: readonly unknown[],
  identity: IdentityResolver,
  options: BackstageOptions = DEFAULT_BACKSTAGE_OPTIONS,
): BackstageSnapshot {
  const all = entities.map((value, i) => readEntity(value, i));
  const products: Record<string, SnapshotProduct> = {};
  const unmapped: UnmappedEntity[] = [];
  for (const entity of all) {
    if (!isProduct(entity, options)) continue;
    const resolved = identity.resolveProduct({
      tool: 'backstage',
      ref: entity.ref,
      name: entity.name,
      annotations: entity.annotations,
    });
    if (resolved.status === 'unmapped') {
      unmapped.push(resolved);
      continue;
    }
    products[entity.ref] = {
      uid: entity.uid,
      productId: resolved.productId,
      domain: resolved.domain,
      name: entity.title ?? entity.name,
      version: entity.annotations[options.versionAnnotation] ?? UNVERSIONED,
      ownerTeam: resolved.ownerTeam ?? ownerTeamOf(entity) ?? 'unassigned',
      tier: resolved.tier ?? 'standard',
      retired: entity.lifecycle !== undefined && options.retiredLifecycles.includes(entity.lifecycle),
    };
  }

  // APIs a product provides count as the product: consumers usually consume the API, not the component.
  const apiToProduct = new Map<string, string>();
  for (const entity of all) {
    for (const relation of entity.relations) {
      if (relation.type === 'providesApi' && products[entity.ref])
        apiToProduct.set(relation.targetRef, entity.ref);
      if (relation.type === 'apiProvidedBy' && products[relation.targetRef])
        apiToProduct.set(entity.ref, relation.targetRef);
    }
  }

  const consumptions: Record<string, SnapshotConsumption> = {};
  for (const entity of all) {
    for (const relation of entity.relations) {
      if (!options.consumerRelations.includes(relation.type)) continue;
      const productRef = products[relation.targetRef]
        ? relation.targetRef
        : apiToProduct.get(relation.targetRef);
      const product = productRef === undefined ? undefined : products[productRef];
      if (productRef === undefined || product === undefined || productRef === entity.ref) continue;
      const consumerTeam = ownerTeamOf(entity);
      if (consumerTeam === undefined) {
        unmapped.push({
          status: 'unmapped',
          tool: 'backstage',
          ref: entity.ref,
          reason: 'consumer has no owner (spec.owner)',
        });
        continue;
      }
      consumptions[`${productRef}|${consumerTeam}`] = {
        productRef,
        productUid: product.uid,
        productId: product.productId,
        domain: product.domain,
        consumerTeam,
      };
    }
  }
  return { version: 1, products, consumptions, unmapped };
}
