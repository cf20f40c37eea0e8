export * from './admin-auth.ts';
export * from './deadline.ts';
export * from './ops-server.ts';
export * from './redis-client.ts';
export * from './registry-probe.ts';
export * from './runtime.ts';
export * from './shutdown.ts';
