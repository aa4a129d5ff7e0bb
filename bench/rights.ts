/**
 * `pnpm bench rights [--titles N] [--queries N]`
 *
 * 100 000 titles with about 20 grants each (plus holdbacks and some exclusive sales) across 250
 * territories and 15 license types. Measures:
 * - `evaluate` throughput for random point queries from the in-memory index (one core), against
 *   the naive linear scan (`ReferenceRights`: every deal scanned, every bound resolved with luxon);
 * - a 30-day `planTransitions` over the whole catalog for 30 endpoints, against the naive way
 *   (linear scan and luxon per asset × endpoint), measured on a sample and scaled;
 * - amending one rights-in deal (a holdback added over a sold window) on the whole catalog: the new
 *   engine, every affected sold deal re-checked, and the transition diff for the 30 endpoints.
 * `--runs N` repeats the evaluate measurement N times (default 3) and reports the median.
 *
 * The machine may be shared: every figure is given as wall time and as this process's CPU time
 * (user + system, `process.cpuUsage`), with the load average at the start and the end.
 */
import { loadavg } from 'node:os';
import { createRightsEngine, type DealInput, LicenseTypeSchema, TERRITORIES } from '@framewise/core/rights';
import { ReferenceRights, rng } from '@framewise/core/testing';
import { consume, machine } from './harness.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(String(process.argv[i]).replace(/^--/, ''), String(process.argv[i + 1]));
const TITLES = Number(args.get('titles') ?? 100_000);
const QUERIES = Number(args.get('queries') ?? 1_000_000);
const NAIVE_QUERIES = Number(args.get('naive-queries') ?? 100);
const RUNS = Number(args.get('runs') ?? 3);
const MEDIA = LicenseTypeSchema.options;
const CODES = TERRITORIES.map((t) => t.code);
const EXPRESSIONS = [
  'WORLD',
  'EMEA',
  'APAC',
  'LATAM',
  'NORTH_AMERICA',
  'EU',
  'EMEA except FR, DE',
  'WORLD except US, CA',
  'DACH',
  'NORDICS',
  'UKI',
  'ANZ',
  'SEA',
];

const random = rng(2027);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
const day = (offset: number) =>
  new Date(Date.parse('2025-01-01T00:00:00Z') + offset * 86_400_000).toISOString().slice(0, 10);

function territories(): string {
  const r = random();
  if (r < 0.5) return pick(EXPRESSIONS);
  const n = 1 + Math.floor(random() * 12);
  return [...new Set(Array.from({ length: n }, () => pick(CODES)))].join(', ');
}

/** Wall and CPU milliseconds of `run`. */
function timed<T>(run: () => T): { value: T; wallMs: number; cpuMs: number } {
  const cpu = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const value = run();
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const used = process.cpuUsage(cpu);
  return { value, wallMs, cpuMs: (used.user + used.system) / 1000 };
}
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const loadStart = load();
console.log(`machine: ${machine()}; load average at start ${loadStart}`);
const generateStarted = process.hrtime.bigint();
const deals: DealInput[] = [];
for (let t = 0; t < TITLES; t++) {
  const assetId = `title-${t}`;
  const grants = Array.from({ length: 18 }, (_, g) => {
    const start = Math.floor(random() * 2400);
    const id = `t${t}-g${g}`;
    const window =
      g === 5
        ? { start: { after: `t${t}-g0`, edge: 'start' as const, days: 90 } }
        : random() < 0.1
          ? { start: `${day(start)}T00:00:00Z` }
          : { start: day(start), ...(random() < 0.8 ? { end: day(start + 30 + Math.floor(random() * 900)) } : {}) };
    return { id, media: [pick(MEDIA)], territories: territories(), window, exclusive: random() < 0.2 };
  });
  const holdbacks = Array.from({ length: 2 }, (_, h) => {
    const start = Math.floor(random() * 2400);
    return {
      id: `t${t}-h${h}`,
      media: [pick(MEDIA)],
      territories: territories(),
      window: { start: day(start), end: day(start + 60 + Math.floor(random() * 300)) },
    };
  });
  deals.push({
    id: `in-${t}`,
    direction: 'in',
    licensor: 'Studio',
    licensee: 'Us',
    assets: [assetId],
    grants,
    holdbacks,
  });
  if (t % 10 === 0) {
    const start = Math.floor(random() * 2400);
    deals.push({
      id: `out-${t}`,
      direction: 'out',
      licensor: 'Us',
      licensee: 'Streamer',
      assets: [assetId],
      grants: [
        {
          id: `t${t}-out`,
          media: [pick(MEDIA)],
          territories: pick(CODES),
          exclusive: true,
          window: { start: day(start), end: day(start + 365) },
        },
      ],
    });
  }
}
const document = { deals };
const generateSeconds = Number(process.hrtime.bigint() - generateStarted) / 1e9;
// The build: validation (zod), compilation, and the packed index (built by the first decision).
const building = timed(() => {
  const built = createRightsEngine(document, { allowConflicts: true });
  built.evaluate({ assetId: 'title-0', territory: 'US', channel: 'svod', at: 0 });
  return built;
});
const engine = building.value;
const built = building.wallMs / 1000;
const builtCpu = building.cpuMs / 1000;
console.log(
  `catalog: ${TITLES} titles, ${deals.reduce((n, d) => n + (d.grants?.length ?? 0) + (d.holdbacks?.length ?? 0), 0)} grants and holdbacks (generated in ${generateSeconds.toFixed(1)} s); engine built in ${built.toFixed(1)} s wall, ${builtCpu.toFixed(1)} s CPU; heap ${(process.memoryUsage().heapUsed / 1e9).toFixed(2)} GB`,
);

const from = Date.parse('2025-01-01T00:00:00Z');
const span = 2400 * 86_400_000;
const queries = Array.from({ length: Math.min(QUERIES, 1_000_000) }, () => ({
  assetId: `title-${Math.floor(random() * TITLES)}`,
  territory: pick(CODES),
  channel: pick(MEDIA),
  at: from + Math.floor(random() * span),
}));

// evaluate: one untimed pass (it also builds the zone-offset tables for every territory and year the
// queries touch), then the timed pass: steady-state throughput.
let allowed = 0;
for (const q of queries) allowed += engine.evaluate(q).allowed ? 1 : 0;
const rates: number[] = [];
const cpuRates: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const round = timed(() => {
    allowed = 0;
    for (const q of queries) allowed += engine.evaluate(q).allowed ? 1 : 0;
  });
  rates.push(queries.length / (round.wallMs / 1000));
  cpuRates.push(queries.length / (round.cpuMs / 1000));
}
const oursEps = [...rates].sort((a, b) => a - b)[Math.floor(rates.length / 2)] as number;
const evalSeconds = queries.length / oursEps;
consume(allowed);

const reference = new ReferenceRights(document);
const t1 = process.hrtime.bigint();
let agree = 0;
for (let i = 0; i < NAIVE_QUERIES; i++) {
  const q = queries[i] as (typeof queries)[number];
  if (reference.allowed(q.assetId, q.territory, q.channel, q.at) === engine.evaluate(q).allowed) agree++;
}
const naiveSeconds = Number(process.hrtime.bigint() - t1) / 1e9;
const naiveEps = NAIVE_QUERIES / naiveSeconds;

console.log(`\nevaluate (random point queries, one core)`);
console.log(
  `  framewise index   ${Math.round(oursEps).toLocaleString('en-US').padStart(12)} decisions/s  (${((evalSeconds / queries.length) * 1e9).toFixed(0)} ns each; ${allowed} of ${queries.length} allowed)`,
);
console.log(
  `  naive linear scan ${Math.round(naiveEps).toLocaleString('en-US').padStart(12)} decisions/s  (${NAIVE_QUERIES} queries; agreement ${agree}/${NAIVE_QUERIES})`,
);
console.log(
  `  runs (wall) ${rates.map((r) => Math.round(r).toLocaleString('en-US')).join(', ')}; per CPU second ${cpuRates.map((r) => Math.round(r).toLocaleString('en-US')).join(', ')}`,
);
console.log(`  ratio ${(oursEps / naiveEps).toFixed(0)}×`);

// planTransitions: 30 endpoints, 30 days, whole catalog.
const targets = ['US', 'GB', 'DE', 'FR', 'JP', 'BR', 'AU', 'IN', 'MX', 'ES'].flatMap((territory) =>
  (['svod', 'avod', 'free-tv'] as const).map((channel) => ({
    id: `${channel}-${territory}`,
    territories: [territory],
    channel,
  })),
);
const now = Date.parse('2027-06-01T00:00:00Z');
const horizon = 30 * 86_400_000;
engine.planTransitions(now, horizon, targets, ['title-0']);
const planning = timed(() => engine.planTransitions(now, horizon, targets));
const plan = planning.value;
const planSeconds = planning.wallMs / 1000;
const planCpu = planning.cpuMs / 1000;

// Naive planning on a sample: ReferenceRights.transitions scans every deal and resolves every bound
// with luxon, per asset × endpoint. The engine must find the same transitions there.
const SAMPLE = 40;
const sampleIds = Array.from({ length: SAMPLE }, (_, a) => `title-${a}`);
const t3 = process.hrtime.bigint();
const naiveFound: string[] = [];
for (const assetId of sampleIds) {
  for (const target of targets) {
    for (const t of reference.transitions(assetId, target.territories[0] as string, target.channel, now, now + horizon))
      naiveFound.push(`${t.at} ${assetId} ${target.id} ${t.change}`);
  }
}
const naivePlanSeconds = (Number(process.hrtime.bigint() - t3) / 1e9) * (TITLES / SAMPLE);
const engineFound = engine
  .planTransitions(now, horizon, targets, sampleIds)
  .map((t) => `${t.at.toMillis()} ${t.assetId} ${t.targetId} ${t.change}`);
const agreePlan = JSON.stringify([...naiveFound].sort()) === JSON.stringify([...engineFound].sort());

console.log(`\nplanTransitions (30 days, ${targets.length} endpoints, whole catalog)`);
console.log(
  `  framewise         ${planSeconds.toFixed(3)} s wall, ${planCpu.toFixed(3)} s CPU  (${plan.length} transitions)`,
);
console.log(
  `  naive (scaled from ${SAMPLE} titles) ${naivePlanSeconds.toFixed(0)} s  (sample: naive ${naiveFound.length} transitions, engine ${engineFound.length}, ${agreePlan ? 'identical' : 'DIFFERENT'})`,
);
console.log(`  ratio ${(naivePlanSeconds / planSeconds).toFixed(0)}×`);
// Amend one rights-in deal on the whole catalog: a holdback over a title with a sold window.
const soldTitle = 0; // title-0 has a rights-out deal (every tenth title does)
const original = deals.find((d) => d.id === `in-${soldTitle}`) as DealInput;
const amended: DealInput = {
  ...original,
  holdbacks: [
    ...(original.holdbacks ?? []),
    { id: `t${soldTitle}-h-new`, media: [...MEDIA], territories: 'WORLD', window: { start: day(0), end: day(2400) } },
  ],
};
const amendTimes: number[] = [];
const amendCpu: number[] = [];
let change = engine.amendDeal(amended, { allowConflicts: true, plan: { now, horizonMs: horizon, targets } });
for (let i = 0; i < 5; i++) {
  const round = timed(() =>
    engine.amendDeal(amended, { allowConflicts: true, plan: { now, horizonMs: horizon, targets } }),
  );
  change = round.value;
  amendTimes.push(round.wallMs);
  amendCpu.push(round.cpuMs);
}
const amendMs = [...amendTimes].sort((a, b) => a - b)[2] as number;
const amendCpuMs = [...amendCpu].sort((a, b) => a - b)[2] as number;
// A chain of amendments (each on the engine the previous one returned), as a host applies them.
let chained = engine;
const chainTimes: number[] = [];
for (let i = 0; i < 20; i++) {
  const title = (i * 37) % TITLES;
  const deal = deals.find((d) => d.id === `in-${title}`) as DealInput;
  const next: DealInput = {
    ...deal,
    holdbacks: [
      ...(deal.holdbacks ?? []),
      { id: `t${title}-h-chain${i}`, media: ['svod'], territories: 'GB', window: { start: day(100), end: day(200) } },
    ],
  };
  const round = timed(() => chained.amendDeal(next, { allowConflicts: true }));
  chained = round.value.engine;
  chainTimes.push(round.wallMs);
}
const chainMs = [...chainTimes].sort((a, b) => a - b)[10] as number;
const after = change.engine;
const afterAgrees = queries
  .slice(0, 2000)
  .every((q) => q.assetId === `title-${soldTitle}` || after.evaluate(q).allowed === engine.evaluate(q).allowed);
console.log(`\namendDeal (a holdback added to one title's rights-in deal, ${TITLES} titles)`);
console.log(
  `  ${amendMs.toFixed(1)} ms wall, ${amendCpuMs.toFixed(1)} ms CPU, median of 5 (new engine, ${change.conflicts.length} conflicts re-checked on ${change.affectedAssets.length} title(s), transition diff +${change.transitions?.added.length}/-${change.transitions?.removed.length}); other titles unchanged: ${afterAgrees}`,
);

console.log(`  a chain of 20 amendments on successive engines: median ${chainMs.toFixed(1)} ms wall`);
const loadEnd = load();
console.log(`\nload average at end ${loadEnd}`);

console.log(
  JSON.stringify({
    bench: 'rights',
    titles: TITLES,
    load_start: loadStart,
    load_end: loadEnd,
    generate_seconds: Number(generateSeconds.toFixed(2)),
    build_seconds: Number(built.toFixed(2)),
    build_cpu_seconds: Number(builtCpu.toFixed(2)),
    ours_decisions_per_s: Math.round(oursEps),
    naive_decisions_per_s: Number(naiveEps.toFixed(2)),
    evaluate_ratio: Math.round(oursEps / naiveEps),
    naive_agreement: `${agree}/${NAIVE_QUERIES}`,
    plan_seconds: Number(planSeconds.toFixed(3)),
    plan_cpu_seconds: Number(planCpu.toFixed(3)),
    plan_transitions: plan.length,
    naive_plan_seconds_scaled: Math.round(naivePlanSeconds),
    plan_ratio: Math.round(naivePlanSeconds / planSeconds),
    sample_transitions_naive: naiveFound.length,
    sample_transitions_engine: engineFound.length,
    sample_plans_identical: agreePlan,
    evaluate_runs: rates.map((r) => Math.round(r)),
    evaluate_runs_per_cpu_second: cpuRates.map((r) => Math.round(r)),
    amend_ms: Number(amendMs.toFixed(1)),
    amend_cpu_ms: Number(amendCpuMs.toFixed(1)),
    amend_chain_median_ms: Number(chainMs.toFixed(1)),
    amend_conflicts: change.conflicts.length,
    amend_other_titles_unchanged: afterAgrees,
  }),
);
