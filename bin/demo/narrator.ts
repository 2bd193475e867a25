/**
 * How the demo talks: the story on stdout (numbered sections, indented lines, each section's time), run
 * progress and the stack's own lines on stderr (a progress line rewrites itself on a terminal). Quiet
 * for `--json`, where stdout carries the one JSON object and nothing else is written.
 */

export interface NarratorOptions {
  readonly quiet: boolean;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Progress lines overwrite each other (a terminal); otherwise one line each. */
  readonly rewriteProgress: boolean;
}

export interface StepTime {
  readonly step: string;
  readonly seconds: number;
}

const INDENT = '   ';

export class Narrator {
  private readonly options: NarratorOptions;
  private readonly startedAt = performance.now();
  private current: { readonly step: string; readonly startedAt: number } | undefined;
  private progressShown = false;
  private lastProgressKey: string | undefined;
  private sections = 0;
  readonly steps: StepTime[] = [];

  constructor(options: NarratorOptions) {
    this.options = options;
  }

  /** Seconds since the narrator was made (the demo's start). */
  elapsed(): number {
    return (performance.now() - this.startedAt) / 1000;
  }

  /** Ends the previous section (printing its time) and starts the next. */
  section(title: string): void {
    this.endSection();
    this.sections++;
    this.current = { step: title, startedAt: performance.now() };
    this.write(`\n${this.sections}. ${title}\n`);
  }

  /** Prints the open section's time and records it. */
  endSection(): void {
    if (this.current === undefined) return;
    const seconds = (performance.now() - this.current.startedAt) / 1000;
    this.steps.push({ step: this.current.step, seconds });
    this.current = undefined;
    this.write(`${INDENT}(${seconds.toFixed(1)} s)\n`);
  }

  /** One line of the story (indented under the section). */
  say(line = ''): void {
    this.write(line === '' ? '\n' : `${INDENT}${line}\n`);
  }

  /** Lines printed as they are (a header, the summary). */
  print(text: string): void {
    this.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /**
   * A progress line. On a terminal every one rewrites the last; elsewhere (a pipe, a log file) only the
   * first line of each `key` is written, so a run's stages show without one line per cell.
   */
  progress(line: string, key = line): void {
    if (this.options.quiet) return;
    if (this.options.rewriteProgress) {
      this.options.stderr(`\r\x1b[K${INDENT}${line}`);
      this.progressShown = true;
    } else if (key !== this.lastProgressKey) {
      this.lastProgressKey = key;
      this.options.stderr(`${INDENT}${line}\n`);
    }
  }

  /** The stack's own lines (startup, a failed notification). */
  log(line: string): void {
    if (this.options.quiet) return;
    this.clearProgress();
    this.options.stderr(`${line}\n`);
  }

  private write(text: string): void {
    if (this.options.quiet) return;
    this.clearProgress();
    this.options.stdout(text);
  }

  private clearProgress(): void {
    if (!this.progressShown) return;
    this.options.stderr('\r\x1b[K');
    this.progressShown = false;
  }
}
