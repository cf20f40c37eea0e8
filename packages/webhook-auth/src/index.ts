export * from './errors.ts';
export { requireHeader, type RawBody, type RequestHeaders } from './headers.ts';
export * from './body-signature.ts';
export * from './standard-webhooks.ts';
