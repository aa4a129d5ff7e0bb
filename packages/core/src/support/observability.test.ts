/**
 * The Logger and Tracer ports fit the real things: a pino logger and an OpenTelemetry SDK tracer are
 * passed as they are, and see Framewise's fields and spans.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeReconcileAction, type ReconcileAction } from '../archive/index.js';
import { createCatalog, createMemoryCatalogStore } from '../catalog/index.js';
import { createMemoryStorage, createObjectStorage } from '../storage/index.js';
import { runFfmpeg } from '../transcode/index.js';
import type { Logger } from './logger.js';
import type { Tracer } from './observability.js';

/** A pino logger at debug writing JSON lines into an array. */
function pinoLines(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(JSON.parse(line));
      done();
    },
  });
  // Assigned with no cast: pino's logger is a Framewise Logger.
  const logger: Logger = pino({ level: 'debug' }, sink);
  return { logger, lines };
}

const editor = { id: 'ana', memberships: [{ project: 'drama', role: 'editor' as const }] };
const sha256 = (text: string) =>
  import('node:crypto').then(({ createHash }) => createHash('sha256').update(text).digest('hex'));

describe('pino as the Logger', () => {
  it('receives the fields and the message of storage transfers', async () => {
    const { logger, lines } = pinoLines();
    const storage = createObjectStorage(createMemoryStorage(), { logger });
    await storage.put('masters/a.mxf', new TextEncoder().encode('frames'));
    await storage.copy('masters/a.mxf', 'masters/b.mxf');
    const finished = lines.find((l) => l.msg === 'framewise storage: put finished');
    expect(finished).toMatchObject({
      level: 20,
      storage: 'memory',
      operation: 'put',
      key: 'masters/a.mxf',
      sizeBytes: 6,
    });
    expect(lines.find((l) => l.msg === 'framewise storage: copy started')).toMatchObject({
      key: 'masters/a.mxf',
      to: 'masters/b.mxf',
    });
  });

  it('receives reconcile actions at info with what was done and why', async () => {
    const { logger, lines } = pinoLines();
    const disk = createObjectStorage(createMemoryStorage());
    const cloud = createObjectStorage(createMemoryStorage());
    await disk.put('m.mxf', new TextEncoder().encode('frames'));
    const action: ReconcileAction = {
      kind: 'copy',
      assetId: 'asset-1',
      fileKey: 'master',
      sizeBytes: 6,
      sha256: await sha256('frames'),
      from: { locationId: 'disk', key: 'm.mxf' },
      to: { locationId: 'cloud', key: 'm.mxf' },
      reason: 'rule "3-2-1" needs another copy',
    } as ReconcileAction;
    const storages = (id: string) => ({ disk, cloud })[id];
    const outcome = await executeReconcileAction(action, storages, { logger, clock: { now: () => 0 } });
    expect(outcome.copy?.verifiedAt).toBe('1970-01-01T00:00:00.000Z');
    expect(lines.find((l) => l.msg === 'framewise archive: copy done')).toMatchObject({
      level: 30,
      kind: 'copy',
      assetId: 'asset-1',
      from: 'disk',
      to: 'cloud',
      outcome: 'done',
      reason: 'rule "3-2-1" needs another copy',
    });
  });
});

describe('an OpenTelemetry SDK tracer as the Tracer', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  // Assigned with no cast: the SDK's tracer is a Framewise Tracer.
  const tracer: Tracer = provider.getTracer('framewise-test');
  const contextManager = new AsyncLocalStorageContextManager();
  let dir: string;

  beforeAll(async () => {
    context.setGlobalContextManager(contextManager.enable());
    dir = await mkdtemp(join(tmpdir(), 'framewise-otel-'));
  });
  afterAll(async () => {
    context.disable();
    await provider.shutdown();
    await rm(dir, { recursive: true, force: true });
  });

  const parentOf = (span: ReadableSpan, spans: readonly ReadableSpan[]) =>
    spans.find((s) => s.spanContext().spanId === span.parentSpanContext?.spanId);

  it('records catalog operations and storage transfers, nested under the host span', async () => {
    exporter.reset();
    const catalog = createCatalog({ store: createMemoryCatalogStore(), tracer });
    const storage = createObjectStorage(createMemoryStorage(), { tracer });
    await provider.getTracer('host').startActiveSpan('ingest', async (root) => {
      const asset = await catalog.createAsset(editor, {
        project: 'drama',
        kind: 'episode',
        titles: [{ language: 'en', value: 'The Crossing' }],
      });
      await storage.put(`${asset.id}/master.mxf`, new TextEncoder().encode('frames'));
      root.end();
    });
    const spans = exporter.getFinishedSpans();
    const create = spans.find((s) => s.name === 'framewise.catalog.createAsset');
    const put = spans.find((s) => s.name === 'framewise.storage.put');
    expect(create?.attributes).toMatchObject({ 'framewise.catalog.store': 'memory', 'framewise.actor': 'ana' });
    expect(put?.attributes['framewise.storage']).toBe('memory');
    const root = spans.find((s) => s.name === 'ingest') as ReadableSpan;
    expect(parentOf(create as ReadableSpan, spans)).toBe(root);
    expect(parentOf(put as ReadableSpan, spans)).toBe(root);
    expect(create?.status.code).toBe(1);
  });

  it('nests transfers under the reconcile action that made them, and marks failures', async () => {
    exporter.reset();
    const disk = createObjectStorage(createMemoryStorage(), { tracer });
    const cloud = createObjectStorage(createMemoryStorage(), { tracer });
    await disk.put('m.mxf', new TextEncoder().encode('frames'));
    exporter.reset();
    const base = {
      kind: 'copy',
      assetId: 'asset-1',
      fileKey: 'master',
      sizeBytes: 6,
      sha256: await sha256('frames'),
      from: { locationId: 'disk', key: 'm.mxf' },
      to: { locationId: 'cloud', key: 'm.mxf' },
      reason: 'needs a copy',
    } as Extract<ReconcileAction, { kind: 'copy' }>;
    const storages = (id: string) => ({ disk, cloud })[id];
    await executeReconcileAction(base, storages, { tracer });
    const spans = exporter.getFinishedSpans();
    const action = spans.find((s) => s.name === 'framewise.archive.copy') as ReadableSpan;
    expect(action.attributes).toMatchObject({ 'framewise.archive.outcome': 'done', 'framewise.asset.id': 'asset-1' });
    const children = spans.filter((s) => parentOf(s, spans) === action).map((s) => s.name);
    expect(children).toEqual(expect.arrayContaining(['framewise.storage.get', 'framewise.storage.put']));

    exporter.reset();
    await disk.delete('m.mxf');
    const failed = await executeReconcileAction({ ...base, to: { locationId: 'cloud', key: 'again.mxf' } }, storages, {
      tracer,
    });
    expect(failed.outcome).toBe('failed');
    const failedGet = exporter.getFinishedSpans().find((s) => s.name === 'framewise.storage.get');
    expect(failedGet?.status.code).toBe(2);
    expect(failedGet?.events.map((e) => e.name)).toContain('exception');
  });

  it('records an ffmpeg run with the tool and its duration, never the argv', async () => {
    exporter.reset();
    const output = join(dir, 'bars.mkv');
    const secret = 'https://user:hunter2@example.com/in.mxf';
    await runFfmpeg(
      ['-f', 'lavfi', '-i', 'testsrc=size=64x36:rate=25:duration=0.2', '-metadata', `comment=${secret}`, output],
      {
        tracer,
        label: 'bars',
      },
    );
    const [run] = exporter.getFinishedSpans();
    expect(run?.name).toBe('framewise.ffmpeg');
    expect(run?.attributes).toMatchObject({ 'framewise.ffmpeg.tool': 'ffmpeg', 'framewise.ffmpeg.label': 'bars' });
    expect(typeof run?.attributes['framewise.ffmpeg.duration_ms']).toBe('number');
    expect(JSON.stringify(run?.attributes)).not.toContain('hunter2');
  });
});
