export * from './endpoints.ts';
export * from './isolation.ts';
export * from './resolve-services.ts';
export * from './local-services.ts';
export * from './docker-services.ts';
export * from './wait.ts';
export * from './private-redis.ts';
export * from './silent-server.ts';
