export * from './errors.ts';
export * from './config.ts';
export * from './logger.ts';
export * from './config-docs.ts';
export * from './redact.ts';
export * from './config-section.ts';
export * from './config-values.ts';
