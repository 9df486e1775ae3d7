/**
 * Progress while a run works: on a terminal one live line (cases done / total, failures so far, the dialect now
 * running, elapsed time) redrawn in place; elsewhere (CI logs) the same facts as a plain line every few seconds.
 */
import { type Paint, plain } from './color.ts';

/** Options of {@link Progress}. */
export interface ProgressOptions {
  readonly total: number;
  /** A terminal: redraw one line in place. Otherwise print a plain line every `intervalMs`. */
  readonly live: boolean;
  readonly write: (text: string) => void;
  /** Plain-line period (default 5000 ms). */
  readonly intervalMs?: number;
  readonly paint?: Paint;
  readonly now?: () => number;
}

/**
 * Counts finished cases and reports them.
 *
 * @example
 * const progress = new Progress({ total: 198, live: process.stdout.isTTY === true, write: (t) => process.stdout.write(t) });
 * progress.start(); progress.started('aliyun-ecs'); progress.finished('aliyun-ecs', false); progress.stop();
 */
export class Progress {
  private done = 0;
  private failed = 0;
  private newFailures = 0;
  private dialect = '';
  private readonly startedAt: number;
  private timer: NodeJS.Timeout | undefined;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private drawn = false;
  private readonly now: () => number;
  private readonly paint: Paint;

  constructor(private readonly options: ProgressOptions) {
    this.now = options.now ?? Date.now;
    this.paint = options.paint ?? plain;
    this.startedAt = this.now();
  }

  /** Begin reporting (the plain-line timer; the live line draws on each event). */
  start(): void {
    if (this.options.live || this.options.total === 0) return;
    this.timer = setInterval(() => this.options.write(`${this.line()}\n`), this.options.intervalMs ?? 5_000);
    this.timer.unref();
  }

  /** A case of `dialect` started. */
  started(dialect: string): void {
    this.dialect = dialect;
    this.draw();
  }

  /** A case finished; `failed` when it failed, `isNew` when the failure fails the run. */
  finished(dialect: string, failed: boolean, isNew = failed): void {
    this.done++;
    if (failed) this.failed++;
    if (isNew) this.newFailures++;
    if (this.dialect === '') this.dialect = dialect;
    this.draw();
  }

  /** The progress text, e.g. `45/198 cases done, 2 failed (1 new), running aliyun-ecs, 4.2 s`. */
  line(): string {
    const failures = this.failed === 0 ? '0 failed' : `${this.failed} failed${this.newFailures !== this.failed ? ` (${this.newFailures} new)` : ''}`;
    const elapsed = ((this.now() - this.startedAt) / 1000).toFixed(1);
    return `${this.done}/${this.options.total} cases done, ${failures}${this.dialect ? `, running ${this.dialect}` : ''}, ${elapsed} s`;
  }

  private draw(): void {
    if (!this.options.live) return;
    const t = this.now();
    if (t - this.lastDraw < 80 && this.done < this.options.total) return;
    this.lastDraw = t;
    const text = this.line().replace(/(\d+) failed/, (m, n: string) => (n === '0' ? m : this.paint('red', m)));
    this.options.write(`\r\u001b[2K${this.paint('cyan', 'vmconform')} ${text}`);
    this.drawn = true;
  }

  /** Erase the live line (before printing anything else on the terminal). */
  clear(): void {
    if (this.drawn) this.options.write('\r\u001b[2K');
    this.drawn = false;
  }

  /** Stop reporting and erase the live line. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.clear();
  }
}
