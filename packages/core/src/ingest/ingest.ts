import { createHash } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AssetInput, FileLocation, Version } from '../assets/index.js';
import type { Catalog, PrincipalInput } from '../catalog/index.js';
import { FramewiseError, isFramewiseError, messageOf } from '../errors/index.js';
import { BROADCAST_EBU_R128, type QcReport, recordQcReport, runQc } from '../qc/index.js';
import { newId, parseOptions, silentLogger } from '../support/index.js';
import { assertRegularMediaFile } from '../transcode/ffmpeg/media-path.js';
import { type ProbeResult, probe } from '../transcode/ffmpeg/probe.js';
import { makeDerivatives } from './derive.js';
import type { DerivativesSpec } from './derive-plan.js';
import { type IdentifiedFormat, identifyFile, signatureAgrees } from './identify.js';
import { type IngestOptions, IngestOptionsSchema, type ParsedIngestOptions } from './options.js';
import { registerDerivatives } from './register-derivatives.js';
import type { IngestDerivative, IngestReport, IngestStep, IngestStepName } from './report.js';
import { checkIngestName, checkIngestPath, ingestNameOf } from './source-name.js';
import { versionFieldsFromProbe } from './version-fields.js';

/** Share of the whole ingest each step stands for, for progress. */
const WEIGHT: Record<IngestStepName, number> = {
  check: 1,
  identify: 1,
  probe: 3,
  store: 30,
  dedupe: 1,
  qc: 40,
  catalog: 2,
  'record-qc': 2,
  derivatives: 20,
};
const TOTAL = Object.values(WEIGHT).reduce((a, b) => a + b, 0);
const ORDER = Object.keys(WEIGHT) as IngestStepName[];

/**
 * The version id an ingest gives the bytes with this SHA-256 on this asset: the same bytes on the
 * same asset always get the same id, so two ingests racing on one file create one version.
 */
export function ingestVersionId(assetId: string, sha256: string): string {
  return `v-${createHash('sha256').update(`${assetId}\n${sha256}`).digest('hex').slice(0, 40)}`;
}

/** The asset id derived from content, for assets created by ingest without an id. */
export function ingestAssetId(sha256: string): string {
  return `a-${sha256.slice(0, 40)}`;
}

/** One attempt's mutable state. */
interface State {
  readonly steps: IngestStep[];
  readonly warnings: string[];
  readonly derivatives: IngestDerivative[];
  name: string;
  format: IdentifiedFormat | undefined;
  digests: IngestReport['digests'] | undefined;
  /** The object this ingest stored and has not catalogued yet (removed if the ingest fails). */
  storedKey: string | undefined;
  assetId: string | undefined;
  version: Version | undefined;
  location: FileLocation | undefined;
  qc: QcReport | undefined;
}

/**
 * Ingest one file in one call: check its name, identify its container by signature, probe it,
 * store it while hashing (SHA-256, MD5 and — with the storage's `xxh64` option — XXH64, in the
 * one pass that uploads it), find an existing version with the same bytes (then nothing new is
 * written), run the QC policy (as a gate, or recorded), create the asset when asked and the
 * version with every technical field mapped from the probe (rate, duration, start timecode
 * including drop-frame, essence, audio layout, locations with digests), record the QC findings on
 * it, and make the derivatives the `derive` hook asks for. Every step is reported (with
 * progress); the report lists what was done and what failed.
 *
 * Bad input never leaves anything half-made: a file that cannot be read (truncated, not media) or
 * fails a QC gate throws a `FramewiseError` whose `details.report` is the ingest report (with the
 * QC report and its `integrity.unreadable` finding); the object stored for it is removed, and no
 * version is created.
 *
 * @param source the local file to ingest.
 * @throws `INVALID_INPUT` for a name with traversal or control characters, unreadable media or a
 * failing QC gate; `NOT_FOUND` when the file does not exist; `FORBIDDEN` when the actor may not
 * write the asset; `CANCELLED` when aborted; storage and catalog errors as they come (the report
 * in `details.report`).
 */
export async function ingest(source: string, options: IngestOptions): Promise<IngestReport> {
  const o = parseOptions(IngestOptionsSchema, options, 'Ingest options');
  const logger = o.logger ?? silentLogger;
  const state: State = {
    steps: [],
    warnings: [],
    derivatives: [],
    name: String(source),
    format: undefined,
    digests: undefined,
    storedKey: undefined,
    assetId: undefined,
    version: undefined,
    location: undefined,
    qc: undefined,
  };
  const progress = (step: IngestStepName, within: number) => {
    const before = ORDER.slice(0, ORDER.indexOf(step)).reduce((a, s) => a + WEIGHT[s], 0);
    o.onProgress?.({ step, percent: Math.min(100, ((before + (WEIGHT[step] * within) / 100) / TOTAL) * 100) });
  };
  const record = (s: IngestStep) => {
    state.steps.push(s);
    o.onStep?.(s);
  };
  const run = async <T>(step: IngestStepName, body: () => Promise<{ value: T; detail: string }>): Promise<T> => {
    const started = performance.now();
    progress(step, 0);
    try {
      if (o.signal?.aborted)
        throw new FramewiseError('CANCELLED', `Ingest of ${JSON.stringify(source)} was cancelled`, { details: {} });
      const { value, detail } = await body();
      record({ step, status: 'done', ms: Math.round(performance.now() - started), detail });
      progress(step, 100);
      return value;
    } catch (error) {
      const code = isFramewiseError(error) ? error.code : 'INTERNAL';
      record({
        step,
        status: 'failed',
        ms: Math.round(performance.now() - started),
        detail: messageOf(error),
        error: { code, message: messageOf(error) },
      });
      throw error;
    }
  };
  const skip = (step: IngestStepName, why: string) => record({ step, status: 'skipped', ms: 0, detail: why });
  const report = (outcome: IngestReport['outcome']): IngestReport => ({
    source,
    name: state.name,
    outcome,
    ...(state.format ? { format: state.format } : {}),
    ...(state.digests ? { digests: state.digests } : {}),
    ...(state.assetId ? { assetId: state.assetId } : {}),
    ...(state.version ? { version: state.version } : {}),
    ...(state.location ? { location: state.location } : {}),
    ...(state.qc ? { qc: state.qc } : {}),
    derivatives: [...state.derivatives],
    steps: [...state.steps],
    warnings: [...state.warnings],
  });

  try {
    const path = await run('check', async () => {
      const checked = checkIngestPath(source);
      state.name = o.name === undefined ? ingestNameOf(checked) : checkIngestName(o.name);
      await assertRegularMediaFile(checked);
      // An existing asset: the actor must be able to write it before anything is stored.
      if (!('project' in o.asset)) await o.catalog.getAsset(o.actor, o.asset.id);
      return { value: checked, detail: `${JSON.stringify(state.name)} is a regular file with a safe name` };
    });
    const format = await run('identify', async () => {
      const found = await identifyFile(path);
      return { value: found, detail: `${found.family} (${found.evidence})` };
    });
    state.format = format;
    const probed = await run('probe', async () => {
      try {
        const result = await probe(path, tools(o));
        return { value: result, detail: describeProbe(result) };
      } catch (error) {
        // Unreadable media: the QC report with its integrity finding goes into the ingest report.
        if (isFramewiseError(error, 'INVALID_INPUT'))
          state.qc = await runQc(path, { ...tools(o), policy: o.qc?.policy ?? BROADCAST_EBU_R128 }).catch(
            () => undefined,
          );
        throw error;
      }
    });
    const agrees = signatureAgrees(format, probed.technical.container);
    if (agrees === false)
      state.warnings.push(
        `the file's signature says ${format.family} but ffprobe reads it as ${probed.technical.container}`,
      );
    const stored = await run('store', async () => {
      const key = `${o.keyPrefix}/${newId()}/${state.name}`;
      const size = (await stat(path)).size;
      state.storedKey = key;
      const put = await o.storage.put(
        key,
        { file: path },
        {
          contentType: format.mimeType,
          metadata: { 'framewise-ingest-name': encodeURIComponent(state.name) },
          ...(o.signal ? { signal: o.signal } : {}),
          onProgress: (bytes) => progress('store', size > 0 ? (bytes / size) * 100 : 100),
        },
      );
      return { value: put, detail: `stored ${put.sizeBytes} bytes at ${o.storageId}:${key} (sha256 ${put.sha256})` };
    });
    state.digests = {
      sha256: stored.sha256,
      md5: stored.md5,
      ...(stored.xxh64 === undefined ? {} : { xxh64: stored.xxh64 }),
      sizeBytes: stored.sizeBytes,
    };
    const assetId = 'project' in o.asset ? (o.asset.id ?? ingestAssetId(stored.sha256)) : o.asset.id;
    state.assetId = assetId;
    const existing = await run('dedupe', async () => {
      const found = await findByDigest(o.catalog, o.actor, assetId, stored.sha256, 'project' in o.asset);
      return {
        value: found,
        detail:
          found === undefined
            ? `no version of asset "${assetId}" has these bytes`
            : `version "${found.id}" of asset "${assetId}" already has these bytes`,
      };
    });
    /** Make, store and register the derivatives of a version (a failure is a warning: the version stands). */
    const derive = async (version: Version): Promise<void> => {
      const spec = o.derivatives;
      if (spec === undefined) {
        skip('derivatives', 'no derivatives configured');
        return;
      }
      await run('derivatives', async () => {
        const dir = spec.workDir ?? (await mkdtemp(join(tmpdir(), 'framewise-ingest-')));
        try {
          const made = await makeDerivatives(path, probed.technical, spec as DerivativesSpec, dir, {
            ...tools(o),
            durationSeconds: (probed.durationUs ?? 0) / 1e6,
            onProgress: (p) => progress('derivatives', p * 0.9),
          });
          const registered = await registerDerivatives(version, made.files, {
            catalog: o.catalog,
            actor: o.actor,
            storage: o.storage,
            storageId: o.storageId,
            keyPrefix: o.keyPrefix,
            ...(o.signal ? { signal: o.signal } : {}),
          });
          state.derivatives.push(...registered);
          const count = (kind: string) => registered.filter((d) => d.kind === kind).length;
          return {
            value: made,
            detail: `${made.runs} ffmpeg run(s): ${count('proxy')} proxy, ${count('poster')} poster(s) of ${made.posterCandidates.length} candidate(s), ${count('sprite')} sprite sheet(s), ${count('thumbnail')} thumbnail(s)`,
          };
        } finally {
          if (spec.workDir === undefined) await rm(dir, { recursive: true, force: true });
        }
      }).catch((error: unknown) => {
        // The version stands; what failed is in the report and can be made again.
        state.warnings.push(`derivatives were not made: ${messageOf(error)}`);
        logger.warn({ versionId: version.id, message: messageOf(error) }, 'framewise ingest: derivatives failed');
      });
    };
    if (existing !== undefined) {
      await discardStored(o, state);
      state.version = existing;
      const loc = existing.locations.find((l) => l.checksums.sha256 === stored.sha256);
      if (loc) state.location = loc;
      for (const step of ['qc', 'catalog', 'record-qc'] as const)
        skip(step, `the bytes are already version "${existing.id}"`);
      // Resuming: an earlier ingest made the version but not (all) its derivatives.
      if (o.derivatives !== undefined && (await missingDerivatives(o, existing))) await derive(existing);
      else skip('derivatives', `the bytes are already version "${existing.id}", with its derivatives`);
      o.onProgress?.({ step: 'derivatives', percent: 100 });
      return report('existing');
    }
    const versionId = ingestVersionId(assetId, stored.sha256);
    if (o.qc === undefined) skip('qc', 'no QC policy configured');
    else {
      const qc = o.qc;
      const qcReport = await run('qc', async () => {
        const checked = await runQc(path, {
          ...tools(o),
          policy: qc.policy,
          probed,
          versionId,
          onProgress: (p) => progress('qc', p.percent ?? 0),
        });
        return {
          value: checked,
          detail: `${qc.policy.name}@${qc.policy.version}: ${checked.verdict}, ${checked.findings.length} finding(s)`,
        };
      });
      state.qc = qcReport;
      if (qc.mode === 'gate' && qcReport.verdict === 'fail') {
        const failing = qcReport.findings.filter((f) => f.severity === 'fail').map((f) => f.rule);
        throw new FramewiseError(
          'INVALID_INPUT',
          `${JSON.stringify(state.name)} fails the QC gate "${qc.policy.name}": ${[...new Set(failing)].join(', ')}`,
          { details: { rules: [...new Set(failing)] } },
        );
      }
    }
    const location: FileLocation = {
      storage: o.storageId,
      key: stored.key,
      sizeBytes: stored.sizeBytes,
      checksums: {
        sha256: stored.sha256,
        md5: stored.md5,
        ...(stored.xxh64 === undefined ? {} : { xxh64: stored.xxh64 }),
      },
    };
    const created = await run('catalog', async () => {
      if ('project' in o.asset)
        await ensureAsset(o.catalog, o.actor, { ...(options.asset as AssetInput), id: assetId });
      const fields = versionFieldsFromProbe(probed.technical, {
        name: o.version.name ?? state.name.slice(0, 100),
        kind: o.version.kind,
        locations: [location],
        durationUs: probed.durationUs,
        ...(o.audioOnlyRate ? { audioOnlyRate: o.audioOnlyRate } : {}),
      });
      state.warnings.push(...fields.warnings);
      try {
        const version = await o.catalog.addVersion(o.actor, assetId, { ...fields.version, id: versionId });
        return { value: { version, raced: false }, detail: `version "${version.id}" of asset "${assetId}" created` };
      } catch (error) {
        // Another ingest of the same bytes won the race: its version stands, ours is not needed.
        if (!isFramewiseError(error, 'CONFLICT')) throw error;
        const winner = (await o.catalog.listVersions(o.actor, assetId)).find((v) => v.id === versionId);
        if (winner === undefined) throw error;
        return { value: { version: winner, raced: true }, detail: `version "${winner.id}" was created concurrently` };
      }
    });
    if (created.raced) {
      await discardStored(o, state);
      state.version = created.version;
      return report('existing');
    }
    state.version = created.version;
    state.location = location;
    state.storedKey = undefined; // catalogued: from here on the stored original is the version's
    if (state.qc === undefined) skip('record-qc', 'no QC report to record');
    else {
      const qcReport = state.qc;
      const qc = o.qc;
      await run('record-qc', async () => {
        const recorded = await recordQcReport(qcReport, {
          catalog: o.catalog,
          actor: o.actor,
          versionId: created.version.id,
          ...(qc?.store ? { store: qc.store } : {}),
        });
        return { value: recorded, detail: `${recorded.annotations.length} qc-finding annotation(s) recorded` };
      }).catch((error: unknown) => {
        state.warnings.push(`QC findings were not recorded: ${messageOf(error)}`);
      });
    }
    await derive(created.version);
    o.onProgress?.({ step: 'derivatives', percent: 100 });
    return report('ingested');
  } catch (error) {
    await discardStored(o, state);
    const failed = report('failed');
    const code = isFramewiseError(error) ? error.code : 'INTERNAL';
    throw new FramewiseError(
      code,
      `Ingest of ${JSON.stringify(String(source).slice(0, 300))} failed: ${messageOf(error)}`,
      {
        cause: error,
        details: { source: String(source).slice(0, 300), report: failed },
      },
    );
  }
}

function tools(o: ParsedIngestOptions) {
  return {
    ...(o.ffmpegPath ? { ffmpegPath: o.ffmpegPath } : {}),
    ...(o.ffprobePath ? { ffprobePath: o.ffprobePath } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  };
}

function describeProbe(p: ProbeResult): string {
  const v = p.technical.video[0];
  const t = p.technical;
  return [
    t.container,
    v
      ? `${v.codec} ${v.width}x${v.height} @ ${v.frameRate.num}/${v.frameRate.den}${v.frameRate.dropFrame ? ' DF' : ''}`
      : 'no video',
    `${t.audio.length} audio track(s)`,
    t.startTimecode ? `TC ${t.startTimecode}` : 'no timecode',
  ].join(', ');
}

/** Remove what this ingest stored and did not catalogue. */
async function discardStored(o: ParsedIngestOptions, state: State): Promise<void> {
  const key = state.storedKey;
  if (key === undefined) return;
  state.storedKey = undefined;
  await o.storage.delete(key).catch(() => undefined);
}

/** A version of the asset holding these bytes (by SHA-256 of any location), if any. */
async function findByDigest(
  catalog: Catalog,
  actor: PrincipalInput,
  assetId: string,
  sha256: string,
  mayNotExist: boolean,
): Promise<Version | undefined> {
  let versions: Version[];
  try {
    versions = await catalog.listVersions(actor, assetId);
  } catch (error) {
    // An asset ingest creates may not exist yet (the catalog says FORBIDDEN for a missing asset
    // to anyone but a global admin, so its existence is not leaked); creating it will tell.
    if (mayNotExist && (isFramewiseError(error, 'NOT_FOUND') || isFramewiseError(error, 'FORBIDDEN'))) return undefined;
    throw error;
  }
  return versions.find((v) => v.locations.some((l) => l.checksums.sha256 === sha256));
}

/** Whether a version lacks a derivative the options ask for (its proxy rendition, or any related asset). */
async function missingDerivatives(o: ParsedIngestOptions, version: Version): Promise<boolean> {
  const spec = o.derivatives;
  if (spec === undefined) return false;
  if (spec.proxy !== undefined && spec.proxy !== false) {
    const renditions = await o.catalog.listRenditions(o.actor, version.id);
    if (!renditions.some((r) => r.id === `${version.id}-proxy`)) return true;
  }
  const wantsRelated =
    (spec.posters !== undefined && spec.posters !== false) ||
    (spec.sprite !== undefined && spec.sprite !== false) ||
    (spec.thumbnails?.length ?? 0) > 0;
  if (!wantsRelated) return false;
  const related = await o.catalog.listRelatedAssets(o.actor, version.assetId);
  return !related.some((r) => r.id.startsWith(`${version.id}-`));
}

/** Create the asset unless it exists. */
async function ensureAsset(catalog: Catalog, actor: PrincipalInput, input: AssetInput): Promise<void> {
  try {
    await catalog.createAsset(actor, input);
  } catch (error) {
    if (!isFramewiseError(error, 'CONFLICT')) throw error;
    await catalog.getAsset(actor, input.id as string); // exists: and the actor may read it
  }
}
