import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@mesh-momentum/common';
import { masked, secretsIn } from './properties.ts';

/**
 * A pino destination that keeps no log, only what the fuzz properties need: how many lines, and every
 * line that holds a configured secret (by the secret's name, with the line cut short).
 */
export class LogSink extends Writable {
  lines = 0;
  readonly leaks: string[] = [];
  readonly #secrets: ReadonlyMap<string, string>;

  constructor(secrets: ReadonlyMap<string, string>) {
    super();
    this.#secrets = secrets;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line === '') continue;
      this.lines += 1;
      const names = secretsIn(line, this.#secrets);
      if (names.length > 0)
        this.leaks.push(`${names.join(', ')} in: ${masked(line, this.#secrets).slice(0, 300)}`);
    }
    done();
  }

  /** A service logger at debug level, so even the chattiest line is checked. */
  logger(name: string): Logger {
    return createLogger({ name, level: 'debug', destination: this });
  }
}
