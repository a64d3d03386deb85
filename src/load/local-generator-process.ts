import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

import { AbortedError, LbbenchError } from '../errors.js';
import type { GeneratorReport } from './generator-report.js';
import { readGeneratorReport } from './read-generator-report.js';
import type { GeneratorEvent } from './run-generator.js';

/** Where a generator process is in its life. */
type GeneratorState =
  | { readonly kind: 'warming-up' }
  | { readonly kind: 'ready' }
  | { readonly kind: 'measuring' }
  | { readonly kind: 'exited'; readonly code: number | null; readonly signal: NodeJS.Signals | null };

/** What to start: `node <entry> <args>` with `--start-at stdin`. */
export interface LocalGeneratorSpec {
  readonly entry: string;
  readonly args: readonly string[];
  readonly generatorIndex: number;
  readonly generatorCount: number;
  readonly onEvent: (event: GeneratorEvent) => void;
}

const STOP_GRACE_MS = 2_000;
const MAX_STDERR_LINES = 20;

/**
 * One generator process of the local backend: it runs its warm-up, says `ready` on stderr, waits for the start
 * time on stdin, measures and writes its report on stdout.
 */
export class LocalGeneratorProcess {
  readonly name: string;
  private state: GeneratorState = { kind: 'warming-up' };
  private readonly child: ChildProcess;
  private readonly stdout: Buffer[] = [];
  private readonly stderrText: string[] = [];
  private errorEvent: { readonly category: string; readonly message: string } | undefined;
  private readonly readyPromise: Promise<void>;
  private readonly exitPromise: Promise<void>;

  constructor(spec: LocalGeneratorSpec) {
    this.name = `load generator ${spec.generatorIndex + 1}/${spec.generatorCount}`;
    this.child = spawn(process.execPath, [spec.entry, ...spec.args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout?.on('data', (chunk: Buffer) => this.stdout.push(chunk));
    // A generator that exits before reading stdin must not crash the harness with EPIPE.
    this.child.stdin?.on('error', () => undefined);
    let markReady = (): void => undefined;
    this.readyPromise = new Promise((resolve) => {
      markReady = resolve;
    });
    this.exitPromise = new Promise((resolve) => {
      this.child.once('close', (code, signal) => {
        this.state = { kind: 'exited', code, signal };
        resolve();
      });
      this.child.once('error', (error) => {
        this.stderrText.push(error.message);
      });
    });
    const lines = createInterface({ input: this.child.stderr as NodeJS.ReadableStream, crlfDelay: Infinity });
    lines.on('line', (line) => {
      this.readLine(line, spec.onEvent, markReady);
    });
  }

  /** Resolves when the warm-up is done; rejects with the generator's error when it exits first. */
  async ready(): Promise<void> {
    await Promise.race([this.readyPromise, this.exitPromise]);
    if (this.state.kind === 'exited') throw this.describeFailure();
  }

  /** Sends the start time (epoch ms). */
  start(startAtMs: number): void {
    if (this.state.kind !== 'ready') return;
    this.state = { kind: 'measuring' };
    this.child.stdin?.end(`${startAtMs}\n`);
  }

  /** Waits for the process to end and reads its report. */
  async report(): Promise<GeneratorReport> {
    await this.exitPromise;
    if (this.state.kind !== 'exited' || this.state.code !== 0) throw this.describeFailure();
    const text = Buffer.concat(this.stdout).toString('utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new LbbenchError('LBB_INTERNAL', `${this.name} wrote no JSON report: ${text.slice(0, 200)}`, {
        cause: error,
      });
    }
    return readGeneratorReport(parsed, this.name);
  }

  /** Ends the process by its own pid (SIGTERM, then SIGKILL) unless it has exited. */
  async stop(): Promise<void> {
    if (this.state.kind === 'exited') return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exitPromise;
    clearTimeout(timer);
  }

  private readLine(line: string, onEvent: (event: GeneratorEvent) => void, markReady: () => void): void {
    const event = parseEventLine(line);
    if (event === undefined) {
      this.stderrText.push(line);
      if (this.stderrText.length > MAX_STDERR_LINES) this.stderrText.shift();
      return;
    }
    if (event.event === 'error') {
      this.errorEvent = { category: String(event.category), message: String(event.message) };
      return;
    }
    if (event.event === 'ready' && this.state.kind === 'warming-up') {
      this.state = { kind: 'ready' };
      markReady();
    }
    onEvent(event as GeneratorEvent);
  }

  private describeFailure(): LbbenchError {
    const exit = this.state.kind === 'exited' ? this.state : undefined;
    const how =
      exit?.signal !== null && exit?.signal !== undefined
        ? `was killed by ${exit.signal}`
        : `exited with code ${String(exit?.code)}`;
    if (this.errorEvent?.category === 'aborted') return new AbortedError(`${this.name} was interrupted`);
    const detail = this.errorEvent?.message ?? this.stderrText.join('\n');
    const code = this.errorEvent?.category === 'usage' ? 'LBB_USAGE' : 'LBB_INTERNAL';
    return new LbbenchError(
      code,
      `${this.name} (pid ${this.child.pid ?? '?'}) ${how}: ${detail || 'no output'}`,
    );
  }
}

function parseEventLine(line: string): ({ readonly event: string } & Record<string, unknown>) | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' &&
      value !== null &&
      typeof (value as { event?: unknown }).event === 'string'
      ? (value as { readonly event: string } & Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
