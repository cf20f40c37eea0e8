export * from './errors.ts';
export * from './ids.ts';
export * from './outcome.ts';
export * from './identity/types.ts';
export * from './identity/config.ts';
export * from './identity/resolver.ts';
