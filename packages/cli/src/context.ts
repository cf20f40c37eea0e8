import { createLogger, loadConfig, type Config, type Logger } from '@mesh-momentum/common';
import type { CliIo } from './io.ts';

export interface CommandContext {
  readonly config: Config;
  /** Logs to stderr, so stdout stays machine-readable; quiet (`fatal`) unless MM_LOG_LEVEL is set: the command reports failures itself, in one line. */
  readonly logger: Logger;
}

/** Loads MM_* configuration (a ConfigError ends the command with exit code 2). */
export function commandContext(io: CliIo): CommandContext {
  const config = loadConfig(io.env);
  const level = io.env['MM_LOG_LEVEL'] === undefined ? 'fatal' : config.logLevel;
  const logger = createLogger({ name: 'cli', level, destination: io.stderr });
  return { config, logger };
}
