export * from './catalogue.ts';
export * from './registry-options.ts';
export * from './registry.ts';
export * from './codec/wire-format.ts';
export * from './codec/decimal.ts';
export * from './codec/event-codec.ts';
export * from './generated/event-types.ts';
export * from './event-input.ts';
export * from './headers.ts';
export * from './registry-workflow.ts';
export type { RegistryWorkflowOptions } from './registry-transport.ts';
export { subjectOf, subjectForType } from './schema-subject.ts';
export { parseAvroSchema, explainIncompatibility } from './schema-resolution.ts';
export { validateEvent, isEventType, type ValidateEventOptions } from './validation/validate-event.ts';
export { coerceDecimal, coerceTimestamp, parseRfc3339, formatRfc3339 } from './validation/coerce.ts';
export { EVENT_SPECS, type EventSpec, type FieldSpec, type FieldKind } from './validation/fields.ts';
export { CURRENCY_PATTERN } from './validation/rules.ts';
export {
  EARLIEST_EVENT_TIME,
  EARLIEST_EVENT_TIME_MS,
  MAX_IDENTIFIER_BYTES,
  MAX_SOURCE_BYTES,
  MAX_STRING_BYTES,
  MAX_TEXT_BYTES,
  STRING_FIELD_MAX_BYTES,
  maxBytesOf,
  stringProblem,
  timestampProblem,
} from './validation/limits.ts';
export { MAX_PRODUCT_IDS } from './validation/rules.ts';
export { toScoringEvent } from './scoring-view.ts';
