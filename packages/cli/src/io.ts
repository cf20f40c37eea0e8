import type { Env } from '@mesh-momentum/common';

/** Everything a command touches outside itself, so tests run commands in-process with fakes. */
export interface CliIo {
  readonly env: Env;
  readonly stdout: NodeJS.WritableStream & { readonly isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { readonly isTTY?: boolean };
  readonly stdin: NodeJS.ReadableStream;
  /** The working directory relative file names resolve against. */
  readonly cwd: string;
}

export function writeLine(stream: NodeJS.WritableStream, text: string): void {
  stream.write(`${text}\n`);
}

export function writeJson(stream: NodeJS.WritableStream, value: unknown): void {
  stream.write(`${JSON.stringify(value)}\n`);
}
