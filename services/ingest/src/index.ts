export * from './config.ts';
export * from './errors.ts';
export * from './gateway.ts';
export * from './gateway-file.ts';
export * from './keys.ts';
export * from './auth/tokens.ts';
