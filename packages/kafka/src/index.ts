export * from './access-errors.ts';
export * from './client.ts';
export * from './topics.ts';
export { TRANSIENT_KAFKA_ERRORS, levelOfKafkaLog, pinoLogCreator } from './log-adapter.ts';
export * from './protocol-floor.ts';
