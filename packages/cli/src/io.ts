import { redactUrlCredentials, type Env } from '@mesh-momentum/common';

/** Everything a command touches outside itself, so tests run commands in-process with fakes. */
export interface CliIo {
  readonly env: Env;
  readonly stdout: NodeJS.WritableStream & { readonly isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { readonly isTTY?: boolean };
  readonly stdin: NodeJS.ReadableStream;
  /** The working directory relative file names resolve against. */
  readonly cwd: string;
}

/**
 * Every line the CLI prints goes through here, so URL credentials in any of them (an error from a
 * client library quoting its URL, an event's source) are replaced by `[redacted]`.
 */
export function writeLine(stream: NodeJS.WritableStream, text: string): void {
  stream.write(`${redactUrlCredentials(text)}\n`);
}

export function writeJson(stream: NodeJS.WritableStream, value: unknown): void {
  stream.write(`${redactUrlCredentials(JSON.stringify(value))}\n`);
}
