import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { waitFor } from '@mesh-momentum/testing';

const run = promisify(execFile);

/** The image under test: scripts/image-smoke.sh builds it and names it here. */
export const IMAGE_VARIABLE = 'MM_TEST_IMAGE';

/** The uid the image runs as (Dockerfile `USER`), given explicitly as production would. */
export const IMAGE_UID = '10001';

export function imageUnderTest(env = process.env): string {
  const image = env[IMAGE_VARIABLE];
  if (!image)
    throw new Error(`${IMAGE_VARIABLE} must name the image to test (scripts/image-smoke.sh builds it)`);
  return image;
}

/**
 * `docker` with variables passed by name only (`-e NAME`, the value from this process's environment),
 * so secrets never appear in a command line.
 */
export async function docker(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<{ stdout: string; stderr: string }> {
  return run('docker', [...args], { env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 });
}

/** `docker run` options every container of the smoke test gets: as production runs them. */
function runOptions(env: Readonly<Record<string, string>>, mounts: readonly string[]): string[] {
  return [
    '--network=host',
    '--read-only',
    `--user=${IMAGE_UID}:${IMAGE_UID}`,
    ...Object.keys(env).flatMap((name) => ['-e', name]),
    ...mounts.flatMap((m) => ['-v', m]),
  ];
}

/** A one-shot command of the image (`cli …`, `admin:token …`), removed afterwards. */
export async function runOnce(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const out = await docker(['run', '--rm', ...runOptions(env, []), imageUnderTest(), ...args], env);
    return { code: 0, ...out };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** A service of the image in its own detached container (`mesh-momentum <command>`). */
export class ServiceContainer {
  readonly name: string;

  private constructor(name: string) {
    this.name = name;
  }

  static async start(
    command: string,
    env: Readonly<Record<string, string>>,
    mounts: readonly string[] = [],
  ): Promise<ServiceContainer> {
    const name = `mm-smoke-${command}-${randomBytes(4).toString('hex')}`;
    await docker(['run', '-d', '--name', name, ...runOptions(env, mounts), imageUnderTest(), command], env);
    return new ServiceContainer(name);
  }

  async logs(): Promise<string> {
    const { stdout, stderr } = await docker(['logs', this.name]);
    return stdout + stderr;
  }

  /** A field of the first JSON log line whose message contains `message` (ports are chosen at start: 0). */
  async fromLog(message: string, field: string, timeoutMs = 60_000): Promise<string> {
    return waitFor(
      async () => {
        const line = (await this.logs()).split('\n').find((l) => l.includes(message));
        return line === undefined ? undefined : String((JSON.parse(line) as Record<string, unknown>)[field]);
      },
      { what: `"${message}" in the log of ${this.name}`, timeoutMs, intervalMs: 200 },
    );
  }

  /**
   * `docker stop`, with docker's own kill deadline past `boundMs` so that the service's bound is what is
   * measured: the exit code and how long the stop took, ms.
   */
  async stop(boundMs: number): Promise<{ exitCode: number; elapsedMs: number }> {
    const started = performance.now();
    await docker(['stop', '--time', String(Math.ceil(boundMs / 1000) + 10), this.name]);
    const elapsedMs = performance.now() - started;
    const { stdout } = await docker(['inspect', '--format', '{{.State.ExitCode}}', this.name]);
    return { exitCode: Number(stdout.trim()), elapsedMs };
  }

  async remove(): Promise<void> {
    await docker(['rm', '--force', this.name]).catch(() => undefined);
  }
}
