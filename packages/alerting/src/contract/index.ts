/**
 * The alert-state contract: the alerter's Redis keys and the parsing of what it stores there, plus what
 * a reader shows of it. Pure (no I/O): the alerter writes through it, the dashboard reads through it,
 * neither imports the other. docs/alerter.md "Redis keys" documents it.
 */
export * from './keys.ts';
export * from './records.ts';
export * from './view.ts';
