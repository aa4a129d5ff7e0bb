/**
 * A small, dependency-free benchmark harness: each case runs over a fixed workload for several
 * rounds after a warm-up, and reports the median throughput. Every bench prints a table and ends
 * with one JSON line of figures (see docs/benchmarks.md).
 */
import { cpus } from 'node:os';

/** One measured case. */
export interface CaseResult {
  readonly name: string;
  /** Operations per second, median of the rounds. */
  readonly opsPerSecond: number;
  /** Nanoseconds per operation at the median. */
  readonly nsPerOp: number;
}

/** A value sink so the JIT cannot drop the work being measured. */
export let sink: unknown;

/** Keep a value alive. */
export function consume(value: unknown): void {
  sink = value;
}

/**
 * Measure `run(n)`, which performs `n` operations, over `rounds` timed rounds after `warmup`
 * untimed ones; returns the median.
 */
export function measure(name: string, opsPerRound: number, run: () => void, rounds = 9, warmup = 3): CaseResult {
  for (let i = 0; i < warmup; i++) run();
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint();
    run();
    const elapsed = Number(process.hrtime.bigint() - start);
    samples.push(elapsed);
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)] ?? 1;
  return { name, opsPerSecond: (opsPerRound / median) * 1e9, nsPerOp: median / opsPerRound };
}

/** A line describing the machine, for the record in docs/benchmarks.md. */
export function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown cpu';
  return `${cpus().length} × ${cpu.trim()}, Node ${process.version}, ${process.platform}/${process.arch}`;
}

/** Print an aligned table of results. */
export function printTable(title: string, rows: readonly CaseResult[]): void {
  console.log(`\n${title}`);
  const width = Math.max(...rows.map((r) => r.name.length));
  for (const row of rows) {
    const ops = Math.round(row.opsPerSecond).toLocaleString('en-US');
    console.log(`  ${row.name.padEnd(width)}  ${ops.padStart(14)} ops/s  ${row.nsPerOp.toFixed(1).padStart(9)} ns/op`);
  }
}
