export * from './errors.ts';
export { requireHeader, type RawBody, type RequestHeaders } from './headers.ts';
export * from './github.ts';
export * from './standard-webhooks.ts';
