export {
  createMeshMomentumProducer,
  MeshMomentumProducer,
  methodNameOf,
  type Delivery,
  type DeliveryReport,
  type EmitInput,
  type EventMethods,
  type ProducerStats,
} from './producer.ts';
export {
  PRODUCER_DEFAULTS,
  compileOptions,
  type MeshMomentumProducerOptions,
  type CompiledProducerOptions,
  type WhenQueueFull,
} from './options.ts';
export { ProducerClosedError, ProducerQueueFullError, ProducerSendFailedError } from './errors.ts';
export { KafkaTransport, type OutgoingRecord, type RecordTransport } from './transport.ts';
export { DeliveryQueue, type QueuedItem } from './delivery-queue.ts';
export { decideBatch, type BatchDecision, type BatchPolicy, type QueueState } from './batch-policy.ts';
