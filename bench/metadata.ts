/**
 * `pnpm bench metadata [--assets N] [--events N]`
 *
 * EBUCore export of N assets (default 10 000 fully populated descriptions, one document each) and
 * a BXF schedule of N events (default 10 000, with secondary events), written by Framewise's
 * streaming writer against building the same documents as xmlbuilder2 DOM trees and serialising
 * them (the same element order, attributes and text: both go through the same document code, one
 * into the streaming serialiser, the other into a DOM builder). Each case runs in its own
 * process, so peak RSS is the case's own; documents per second are over the whole run after a
 * warm-up of 200 documents.
 *
 * Reading: the same 10 000-event BXF schedule parsed by the reader (saxes underneath) against the
 * hand-written parser it replaced (bench/peers/legacy-xml-parser.ts), each in its own process,
 * rounds interleaved; wall time, CPU time (user + system) and the heap the parsed tree retains.
 *
 * Importing (`--only import` runs just this and the saxes parse): the same schedule read by
 * `readBxfSchedule` into the schedule model (parse, per-event reads of times, content and
 * secondary events, schema validation of every event), against the parse alone, interleaved.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  type AssetDescription,
  AssetDescriptionSchema,
  type PlayoutEventInput,
  PlayoutScheduleSchema,
} from '@framewise/core/interchange';
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { readBxfSchedule } from '../packages/adapters-metadata/src/bxf/read-schedule.js';
import { scheduleChunks } from '../packages/adapters-metadata/src/bxf/schedule.js';
import { ebuCoreChunks } from '../packages/adapters-metadata/src/ebucore/write.js';
import { parseXml, type XmlElement } from '../packages/adapters-metadata/src/xml/parser.js';
import type { XmlAttributes, XmlOut } from '../packages/adapters-metadata/src/xml/writer.js';
import { richDescription } from '../packages/adapters-metadata/test/fixtures.js';
import { machine } from './harness.js';
import { parseXmlLegacy } from './peers/legacy-xml-parser.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(String(process.argv[i]).replace(/^--/, ''), String(process.argv[i + 1]));
const ASSETS = Number(args.get('assets') ?? 10_000);
const EVENTS = Number(args.get('events') ?? 10_000);

/** Builds the document as an xmlbuilder2 DOM; serialises it when the writer is drained at the end. */
class DomOut implements XmlOut {
  readonly #doc = create({ version: '1.0', encoding: 'UTF-8' });
  #node: XMLBuilder = this.#doc;
  #depth = 0;
  declaration(): this {
    return this;
  }
  open(name: string, attributes?: XmlAttributes): this {
    this.#node = this.#node.ele(name, attrs(attributes));
    this.#depth++;
    return this;
  }
  close(): this {
    this.#node = this.#node.up();
    this.#depth--;
    return this;
  }
  leaf(name: string, text: string | number | boolean | undefined, attributes?: XmlAttributes): this {
    if (text !== undefined) this.#node.ele(name, attrs(attributes)).txt(String(text));
    return this;
  }
  empty(name: string, attributes?: XmlAttributes): this {
    this.#node.ele(name, attrs(attributes));
    return this;
  }
  get buffered(): number {
    return 0;
  }
  take(): string {
    return this.#depth === 0 ? this.#doc.end({ prettyPrint: true }) : '';
  }
}

function attrs(a: XmlAttributes | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(a ?? {})) if (v !== undefined) out[k] = String(v);
  return out;
}

function descriptions(n: number): AssetDescription[] {
  const base = AssetDescriptionSchema.parse(richDescription());
  return Array.from({ length: n }, (_, i) => ({
    ...base,
    asset: {
      ...base.asset,
      id: `asset-${i}`,
      titles: base.asset.titles.map((t) => ({ ...t, value: `${t.value} ${i}` })),
    },
    version: { ...base.version, id: `version-${i}` },
  }));
}

function* events(n: number): Generator<PlayoutEventInput> {
  const start = Date.parse('2026-06-01T05:00:00Z');
  for (let i = 0; i < n; i++) {
    yield {
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      title: `Event ${i}: Harbour Lights & friends`,
      kind: i % 4 === 0 ? 'program' : 'spot',
      start: new Date(start + i * 30_000).toISOString(),
      startMode: 'follow',
      durationFrames: 750,
      content: { houseNumber: `HN-${i}`, path: `file:///playout/HN-${i}.mxf`, somFrames: 900_000 },
      secondary:
        i % 4 === 0
          ? [{ id: `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`, name: 'LOGO', offsetFrames: 25 }]
          : [],
    };
  }
}

const schedule = PlayoutScheduleSchema.parse({
  id: '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d',
  channel: 'EXAMPLE ONE',
  rate: { num: 25, den: 1, dropFrame: false },
  zone: 'Europe/London',
  start: '2026-06-01T05:00:00Z',
  end: '2026-06-08T05:00:00Z',
});
const parties = {
  origin: 'Framewise',
  originType: 'Traffic',
  userName: 'bench',
  destination: 'Automation',
  destinationType: 'Automation',
};

/** One case, in this process: returns seconds and characters written. */
async function runCase(
  name: string,
): Promise<{ seconds: number; chars: number; docs: number; cpuSeconds?: number; retainedMb?: number }> {
  const dom = name.endsWith('dom');
  const out = (): XmlOut | undefined => (dom ? new DomOut() : undefined);
  let chars = 0;
  if (name.startsWith('ebucore')) {
    const all = descriptions(ASSETS + 200);
    const write = (d: AssetDescription) => {
      for (const chunk of ebuCoreChunks(d, { version: '1.10', modified: new Date(0), chunkSize: 64 * 1024 }, out()))
        chars += chunk.length;
    };
    for (const d of all.slice(0, 200)) write(d);
    chars = 0;
    const t = process.hrtime.bigint();
    for (const d of all.slice(200)) write(d);
    return { seconds: Number(process.hrtime.bigint() - t) / 1e9, chars, docs: ASSETS };
  }
  const message = { id: '7c0e8a52-3d4b-4f6e-9a1c-2b3d4e5f6a70', at: new Date(0), schedule };
  if (name === 'import-bxf') {
    let doc = '';
    for await (const c of scheduleChunks({ ...message, events: events(EVENTS) }, '2022', parties, 64 * 1024)) doc += c;
    doc = JSON.parse(JSON.stringify(doc)) as string;
    let warm = '';
    for await (const c of scheduleChunks({ ...message, events: events(200) }, '2022', parties, 64 * 1024)) warm += c;
    readBxfSchedule(warm, { zone: 'Europe/London' });
    const cpu = process.cpuUsage();
    const t = process.hrtime.bigint();
    const read = readBxfSchedule(doc, { zone: 'Europe/London' });
    const seconds = Number(process.hrtime.bigint() - t) / 1e9;
    const used = process.cpuUsage(cpu);
    if (read.events.length !== EVENTS || read.rejected.length !== 0) {
      throw new Error(`import read ${read.events.length} events, ${read.rejected.length} rejected`);
    }
    return { seconds, chars: doc.length, docs: EVENTS, cpuSeconds: (used.user + used.system) / 1e6 };
  }
  if (name.startsWith('read')) {
    let doc = '';
    for await (const c of scheduleChunks({ ...message, events: events(EVENTS) }, '2022', parties, 64 * 1024)) doc += c;
    doc = JSON.parse(JSON.stringify(doc)) as string; // one flat string, as a file read gives
    const parse = name === 'read-saxes' ? parseXml : parseXmlLegacy;
    parse(`${doc.slice(0, doc.indexOf('<ScheduledEvent', 20_000))}</Schedule></BxfData></BxfMessage>`); // warm-up
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const cpu = process.cpuUsage();
    const t = process.hrtime.bigint();
    const tree = parse(doc);
    const seconds = Number(process.hrtime.bigint() - t) / 1e9;
    const used = process.cpuUsage(cpu);
    gc?.();
    const retainedMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
    consume(tree.root.name);
    return { seconds, chars: doc.length, docs: 1, cpuSeconds: (used.user + used.system) / 1e6, retainedMb };
  }
  for await (const c of scheduleChunks({ ...message, events: events(200) }, '2022', parties, 64 * 1024, out()))
    consume(c);
  const t = process.hrtime.bigint();
  for await (const c of scheduleChunks({ ...message, events: events(EVENTS) }, '2022', parties, 64 * 1024, out()))
    chars += c.length;
  return { seconds: Number(process.hrtime.bigint() - t) / 1e9, chars, docs: 1 };
}

let kept = 0;
function consume(chunk: string): void {
  kept += chunk.length;
}

const single = args.get('case');
if (single !== undefined) {
  const r = await runCase(single);
  console.log(JSON.stringify({ ...r, maxRssMb: process.resourceUsage().maxRSS / 1024, kept }));
} else {
  const self = fileURLToPath(import.meta.url);
  const once = (name: string) => {
    const child = spawnSync(
      process.execPath,
      [...process.execArgv, self, '--case', name, '--assets', String(ASSETS), '--events', String(EVENTS)],
      {
        encoding: 'utf8',
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    if (child.status !== 0) throw new Error(`${name} failed: ${child.stderr}`);
    return JSON.parse(child.stdout.trim().split('\n').at(-1) as string) as {
      seconds: number;
      chars: number;
      docs: number;
      maxRssMb: number;
      cpuSeconds?: number;
      retainedMb?: number;
    };
  };
  console.log(`metadata interchange — ${machine()}`);
  // Both writers must produce the same document (same elements, attributes and text).
  const one = descriptions(1)[0] as AssetDescription;
  const canon = (e: XmlElement): string =>
    `<${e.ns}|${e.name} ${[...e.attributes].sort().join(',')}>${e.text.trim()}${e.children.map(canon).join('')}</>`;
  const write = (o?: XmlOut) =>
    [...ebuCoreChunks(one, { version: '1.10', modified: new Date(0), chunkSize: 65536 }, o)].join('');
  const same = canon(parseXml(write()).root) === canon(parseXml(write(new DomOut())).root);
  console.log(`  streaming and DOM writers produce the same EBUCore document: ${same ? 'yes' : 'NO'}`);
  const results: Record<string, ReturnType<typeof once>> = {};
  const only = args.get('only');
  const writing = only !== 'read' && only !== 'import';
  const none = { seconds: Number.NaN, chars: 0, docs: 0, maxRssMb: Number.NaN };
  for (const name of ['ebucore-stream', 'ebucore-dom', 'bxf-stream', 'bxf-dom']) {
    results[name] = writing ? once(name) : none;
  }
  const r = (k: string) => results[k] as ReturnType<typeof once>;
  if (writing) {
    console.log(
      `EBUCore 1.10, ${ASSETS} assets (one document each, ${Math.round(r('ebucore-stream').chars / ASSETS)} characters per document)`,
    );
    for (const k of ['ebucore-stream', 'ebucore-dom']) {
      console.log(
        `  ${k.padEnd(16)} ${Math.round(ASSETS / r(k).seconds)
          .toLocaleString('en-US')
          .padStart(8)} documents/s   peak RSS ${r(k).maxRssMb.toFixed(0)} MB`,
      );
    }
    console.log(`BXF 2022 schedule of ${EVENTS} events (${(r('bxf-stream').chars / 1e6).toFixed(1)} M characters)`);
    for (const k of ['bxf-stream', 'bxf-dom']) {
      console.log(
        `  ${k.padEnd(16)} ${(r(k).seconds * 1000).toFixed(0).padStart(8)} ms (${Math.round(EVENTS / r(k).seconds).toLocaleString('en-US')} events/s)   peak RSS ${r(k).maxRssMb.toFixed(0)} MB`,
      );
    }
  }
  // Reading: rounds interleaved (old, new, old, new…) so that load from elsewhere falls on both.
  const ROUNDS = Number(args.get('rounds') ?? 5);
  const reads: Record<string, Array<ReturnType<typeof once>>> = {
    'read-legacy': [],
    'read-saxes': [],
    'import-bxf': [],
  };
  const readCases = only === 'import' ? ['read-saxes', 'import-bxf'] : ['read-legacy', 'read-saxes', 'import-bxf'];
  for (let i = 0; i < ROUNDS; i++) for (const k of readCases) reads[k]?.push(once(k));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const stat = (k: string) => {
    const runs = reads[k] ?? [];
    return {
      ms: median(runs.map((r) => r.seconds * 1000)),
      cpuMs: median(runs.map((r) => (r.cpuSeconds ?? 0) * 1000)),
      retainedMb: median(runs.map((r) => r.retainedMb ?? 0)),
      rssMb: median(runs.map((r) => r.maxRssMb)),
    };
  };
  const legacy =
    only === 'import'
      ? { ms: Number.NaN, cpuMs: Number.NaN, retainedMb: Number.NaN, rssMb: Number.NaN }
      : stat('read-legacy');
  const saxes = stat('read-saxes');
  const imported = stat('import-bxf');
  console.log(
    `Reading that schedule (${((reads['read-saxes']?.[0]?.chars ?? 0) / 1e6).toFixed(1)} M characters), median of ${ROUNDS} interleaved rounds`,
  );
  for (const [k, v] of [
    ['read-saxes', saxes],
    ['read-legacy', legacy],
  ] as const) {
    console.log(
      `  ${k.padEnd(16)} ${v.ms.toFixed(0).padStart(8)} ms wall ${v.cpuMs.toFixed(0).padStart(6)} ms CPU   tree ${v.retainedMb.toFixed(0)} MB   peak RSS ${v.rssMb.toFixed(0)} MB`,
    );
  }
  console.log(
    `Importing it into the schedule model (readBxfSchedule, target < 2 s): ${imported.ms.toFixed(0)} ms wall, ${imported.cpuMs.toFixed(0)} ms CPU, peak RSS ${imported.rssMb.toFixed(0)} MB (parse alone ${saxes.cpuMs.toFixed(0)} ms CPU)`,
  );
  console.log(
    JSON.stringify({
      bench: 'metadata',
      read_saxes_ms: Math.round(saxes.ms),
      read_saxes_cpu_ms: Math.round(saxes.cpuMs),
      read_saxes_tree_mb: Math.round(saxes.retainedMb),
      read_saxes_peak_rss_mb: Math.round(saxes.rssMb),
      read_legacy_ms: Math.round(legacy.ms),
      read_legacy_cpu_ms: Math.round(legacy.cpuMs),
      read_legacy_tree_mb: Math.round(legacy.retainedMb),
      read_legacy_peak_rss_mb: Math.round(legacy.rssMb),
      read_time_ratio: Number((saxes.cpuMs / legacy.cpuMs).toFixed(2)),
      read_memory_ratio: Number((saxes.retainedMb / legacy.retainedMb).toFixed(2)),
      bxf_import_ms: Math.round(imported.ms),
      bxf_import_cpu_ms: Math.round(imported.cpuMs),
      bxf_import_peak_rss_mb: Math.round(imported.rssMb),
      same_documents: same,
      assets: ASSETS,
      events: EVENTS,
      ebucore_stream_docs_s: Math.round(ASSETS / r('ebucore-stream').seconds),
      ebucore_dom_docs_s: Math.round(ASSETS / r('ebucore-dom').seconds),
      ebucore_ratio: Number((r('ebucore-dom').seconds / r('ebucore-stream').seconds).toFixed(2)),
      ebucore_stream_peak_rss_mb: Math.round(r('ebucore-stream').maxRssMb),
      ebucore_dom_peak_rss_mb: Math.round(r('ebucore-dom').maxRssMb),
      bxf_stream_ms: Math.round(r('bxf-stream').seconds * 1000),
      bxf_dom_ms: Math.round(r('bxf-dom').seconds * 1000),
      bxf_ratio: Number((r('bxf-dom').seconds / r('bxf-stream').seconds).toFixed(2)),
      bxf_stream_peak_rss_mb: Math.round(r('bxf-stream').maxRssMb),
      bxf_dom_peak_rss_mb: Math.round(r('bxf-dom').maxRssMb),
    }),
  );
}
