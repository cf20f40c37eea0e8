export { run, buildProgram } from './program.ts';
export { EXIT_CODES, EXIT_CODES_HELP, type ExitCode } from './exit-codes.ts';
export { parseFieldArgs, knownFieldsOf, type ParsedFields } from './field-args.ts';
export { parseNdjsonLine, MAX_LINE_CHARS, type NdjsonLine } from './ndjson.ts';
export type { CliIo } from './io.ts';
