/** Width of the bar, characters. */
const BAR_WIDTH = 30;

export interface ProgressState {
  readonly done: number;
  readonly total: number | undefined;
  readonly events: number;
  /** A rate-limit or back-off wait in progress, for the line. */
  readonly waiting?: string;
}

/** One progress line: `[#####.....] 3/10 repositories, 245 events`. */
export function progressLine(unit: string, state: ProgressState): string {
  const { done, total, events } = state;
  const bar =
    total === undefined || total === 0
      ? ''
      : `[${'#'.repeat(Math.round((done / total) * BAR_WIDTH)).padEnd(BAR_WIDTH, '.')}] `;
  const count = total === undefined ? `${done} ${unit}` : `${done}/${total} ${unit}`;
  return `${bar}${count}, ${events} events${state.waiting ? ` (${state.waiting})` : ''}`;
}

/**
 * A progress bar on one terminal line, rewritten in place; nothing at all when the output is not a TTY
 * (CI logs, pipes), where the summary at the end says it all.
 */
export class ProgressLine {
  readonly #stream: NodeJS.WriteStream;
  readonly #unit: string;
  #shown = false;

  constructor(stream: NodeJS.WriteStream, unit: string) {
    this.#stream = stream;
    this.#unit = unit;
  }

  update(state: ProgressState): void {
    if (!this.#stream.isTTY) return;
    this.#stream.write(`\r\x1b[2K${progressLine(this.#unit, state)}`);
    this.#shown = true;
  }

  end(): void {
    if (this.#shown) this.#stream.write('\n');
    this.#shown = false;
  }
}
