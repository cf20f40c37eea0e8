import { AdapterPayloadError } from '../errors.ts';
import { isRecord, PayloadReader, stringMap } from '../payload.ts';

/** The parts of a Backstage catalog entity (backstage.io/v1alpha1) the adapter reads. */
export interface BackstageEntity {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly title: string | undefined;
  readonly specType: string | undefined;
  readonly lifecycle: string | undefined;
  readonly owner: string | undefined;
  readonly annotations: Readonly<Record<string, string>>;
  readonly relations: readonly { readonly type: string; readonly targetRef: string }[];
  /** `kind:namespace/name`, lower case: Backstage compares entity refs case-insensitively. */
  readonly ref: string;
}

export function entityRef(kind: string, namespace: string, name: string): string {
  return `${kind}:${namespace}/${name}`.toLowerCase();
}

/** `group:default/payments-data` or `payments-data` → `payments-data`. */
export function refName(ref: string): string {
  const slash = ref.lastIndexOf('/');
  const colon = ref.indexOf(':');
  return ref.slice(Math.max(slash, colon) + 1);
}

/**
 * Reads one entity of the catalog API (`GET /api/catalog/entities` or the `items` of
 * `/entities/by-query`). `index` names it in errors.
 * @throws AdapterPayloadError naming the field, e.g. `entities.3.metadata.name`.
 */
export function readEntity(value: unknown, index: number): BackstageEntity {
  const reader = new PayloadReader('backstage', { entities: { [index]: value } });
  const p = `entities.${index}`;
  const kind = reader.string(`${p}.kind`);
  const name = reader.string(`${p}.metadata.name`);
  const namespace = reader.optionalString(`${p}.metadata.namespace`) ?? 'default';
  const relations = reader
    .optionalArray(`${p}.relations`)
    .flatMap((relation) =>
      isRecord(relation) && typeof relation['type'] === 'string' && typeof relation['targetRef'] === 'string'
        ? [{ type: relation['type'], targetRef: relation['targetRef'].toLowerCase() }]
        : [],
    );
  const ref = entityRef(kind, namespace, name);
  return {
    kind,
    namespace,
    name,
    // Entities read from the catalog API always carry a uid; files fed in by hand may not.
    uid: reader.optionalString(`${p}.metadata.uid`) ?? ref,
    title: reader.optionalString(`${p}.metadata.title`),
    specType: reader.optionalString(`${p}.spec.type`),
    lifecycle: reader.optionalString(`${p}.spec.lifecycle`),
    owner: reader.optionalString(`${p}.spec.owner`),
    annotations: stringMap(reader.get(`${p}.metadata.annotations`)),
    relations,
    ref,
  };
}

/**
 * The entities of one catalog response: `GET /api/catalog/entities` answers an array,
 * `GET /api/catalog/entities/by-query` an object with `items` (and a cursor the poller follows).
 * @throws AdapterPayloadError when the body is neither.
 */
export function catalogEntities(body: unknown): readonly unknown[] {
  if (Array.isArray(body)) return body;
  const items = new PayloadReader('backstage', body).optionalArray('items');
  if (isRecord(body) && Array.isArray(body['items'])) return items;
  throw new AdapterPayloadError(
    'backstage',
    '(body)',
    'must be an array of entities or an object with items',
  );
}

/**
 * The cursor of the next page of `GET /api/catalog/entities/by-query` (`pageInfo.nextCursor`), or
 * undefined on the last page; the poller passes it back as `?cursor=`.
 */
export function catalogNextCursor(body: unknown): string | undefined {
  return new PayloadReader('backstage', body).optionalString('pageInfo.nextCursor');
}
