// A one-line spinner on stderr while probes are outstanding. It waits before drawing so a fast run
// prints nothing, draws only on a TTY (never into a pipe or a log file), and erases itself at the end.

/** What the spinner needs of a stream; process.stderr fits. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(chunk: string): boolean;
}

export interface Progress {
  /** Sets the text after the spinner; redraws at once when the line is already shown. */
  update(text: string): void;
  /** Stops the spinner and clears its line; safe to call twice. */
  done(): void;
}

export const PROGRESS_DELAY_MS = 200;
const FRAME_MS = 100;
const FRAMES = ["|", "/", "-", "\\"];
/** Carriage return, then erase to the end of the line. */
const CLEAR_LINE = "\r\x1b[K";

export function createProgress(stream: ProgressStream, enabled: boolean, delayMs: number = PROGRESS_DELAY_MS): Progress {
  if (!enabled || stream.isTTY !== true) return { update: () => undefined, done: () => undefined };
  let text = "";
  let frame = 0;
  let drawn = false;
  let ticker: NodeJS.Timeout | undefined;
  const draw = (): void => {
    // One column short of the width: writing the last column wraps the cursor on some terminals.
    const room = Math.max(1, (stream.columns ?? 80) - 1);
    stream.write(`${CLEAR_LINE}${`${FRAMES[frame % FRAMES.length]} ${text}`.slice(0, room)}`);
    frame += 1;
    drawn = true;
  };
  // unref: a pending spinner must never keep the process alive after the work is done.
  const start = setTimeout(() => {
    draw();
    ticker = setInterval(draw, FRAME_MS).unref();
  }, delayMs).unref();
  let finished = false;
  return {
    update(next) {
      text = next;
      if (drawn && !finished) draw();
    },
    done() {
      if (finished) return;
      finished = true;
      clearTimeout(start);
      clearInterval(ticker);
      if (drawn) stream.write(CLEAR_LINE);
    },
  };
}
