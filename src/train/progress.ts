/**
 * Progress of a training run on the terminal: on a TTY a cli-progress bar with training
 * iterations/second and ETA (evaluation time excluded) and the latest logged scalars; otherwise
 * one plain line every `every` iterations. Evaluations print one line each either way.
 *
 * Owns: the display. Knows nothing of what is trained.
 */
import cliProgress from 'cli-progress';

export interface ProgressOptions {
  total: number;
  start: number;
  every: number;
  tty: boolean;
  write: (line: string) => void;
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = Math.round(s % 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}

export function formatScalars(s: Readonly<Record<string, number>>, maxLength = Infinity): string {
  const text = Object.entries(s).map(([k, v]) => `${k} ${Number(v.toPrecision(4))}`).join('  ');
  return text.length > maxLength ? text.slice(0, maxLength - 1) + '…' : text;
}

export class Progress {
  private bar: cliProgress.SingleBar | null = null;
  private trainingSeconds = 0;
  private doneThisSession = 0;

  constructor(private readonly o: ProgressOptions) {
    if (o.tty) {
      this.bar = new cliProgress.SingleBar({
        format: ' {bar} {value}/{total} | {speed} it/s | ETA {eta_t} | {scalars}',
        hideCursor: true,
        clearOnComplete: false,
        stream: process.stderr,
      }, cliProgress.Presets.shades_classic);
      this.bar.start(o.total, o.start, { speed: '-', eta_t: '?', scalars: '' });
    }
  }

  /** Training speed so far (iterations per second of training time only). */
  get speed(): number {
    return this.doneThisSession / this.trainingSeconds;
  }

  /** After an iteration that took `seconds` of training time. */
  tick(completed: number, seconds: number, scalars: Readonly<Record<string, number>>): void {
    this.trainingSeconds += seconds;
    this.doneThisSession++;
    const eta = (this.o.total - completed) / this.speed;
    if (this.bar) {
      const room = Math.max(10, (process.stderr.columns ?? 120) - 80);
      this.bar.update(completed, { speed: this.speed.toFixed(2), eta_t: formatSeconds(eta), scalars: formatScalars(scalars, room) });
    } else if (completed % this.o.every === 0) {
      this.o.write(`iteration ${completed}/${this.o.total}  ${this.speed.toFixed(2)} it/s (training only)  ETA ${formatSeconds(eta)}  ${formatScalars(scalars)}`);
    }
  }

  /** A line that must not be overwritten by the bar. */
  note(line: string): void {
    if (this.bar) {
      process.stderr.write('\r\x1b[K');
      this.o.write(line);
      this.bar.render();
    } else {
      this.o.write(line);
    }
  }

  stop(): void {
    this.bar?.stop();
  }
}
