import type { Asset } from '../assets/asset.js';
import type { RelatedAsset, Rendition } from '../assets/rendition.js';
import type { Version } from '../assets/version.js';
import type { QcReport } from '../qc/report.js';
import type { InstantInput, RightsEngine } from '../rights/engine.js';
import { TERRITORIES } from '../rights/index.js';
import { type DeliveryProblem, describeRenditionSpec } from './problems.js';
import type { DeliveryProfile, MetadataFieldSpec, RenditionSpec } from './profile.js';

/** Everything validation looks at for one version and one endpoint. */
export interface DeliveryCandidate {
  readonly asset: Asset;
  readonly version: Version;
  readonly renditions: readonly Rendition[];
  readonly related: readonly RelatedAsset[];
  /** Caption tracks available for the version. */
  readonly captions?: readonly { readonly language: string; readonly format: string }[];
  /** The endpoint's fields, as its metadata mapping produced them from the catalog. */
  readonly fields: Readonly<Record<string, unknown>>;
  /** The newest QC report of the version under the profile's policy, if there is one. */
  readonly qc?: QcReport;
  /** The rights engine; without it, rights are not checked (and `rightsChecked` is false). */
  readonly rights?: RightsEngine;
  /** The instant the delivery would happen (rights are decided at it). */
  readonly at: InstantInput;
}

/** What {@link validateDelivery} found. */
export interface DeliveryValidation {
  readonly ok: boolean;
  readonly problems: readonly DeliveryProblem[];
  readonly rightsChecked: boolean;
}

const KNOWN_TERRITORIES = new Set(TERRITORIES.map((t) => t.code));

/**
 * Check a version against a delivery profile before anything is sent: required renditions,
 * thumbnails at exact sizes, metadata fields (present, within length and item limits, in format,
 * without forbidden characters), captions, QC and rights in every territory of the endpoint.
 * Every problem names its parameters and says how to fix it; nothing is thrown.
 */
export function validateDelivery(profile: DeliveryProfile, candidate: DeliveryCandidate): DeliveryValidation {
  const problems: DeliveryProblem[] = [];
  for (const spec of profile.renditions) {
    if (!spec.required || candidate.renditions.some((r) => matchesRendition(r, spec))) continue;
    problems.push({
      kind: 'missing-rendition',
      spec,
      message: `No rendition matches ${describeRenditionSpec(spec)} required by "${profile.name}"`,
      fix: `Transcode a ${describeRenditionSpec(spec)} rendition of version "${candidate.version.name}" and register it`,
    });
  }
  for (const spec of profile.thumbnails) {
    const images = candidate.related.filter((r) => r.kind === spec.kind);
    if (!spec.required || images.some((r) => r.width === spec.width && r.height === spec.height)) continue;
    const found = images.map((r) => `${r.width ?? '?'}x${r.height ?? '?'}`);
    problems.push({
      kind: 'missing-thumbnail',
      spec,
      found,
      message: `No ${spec.kind} of exactly ${spec.width}x${spec.height}${found.length > 0 ? ` (found ${found.join(', ')})` : ''}`,
      fix: `Add a ${spec.width}x${spec.height} ${spec.kind} to the asset`,
    });
  }
  for (const spec of profile.metadata) checkField(spec, candidate.fields[spec.field], problems);
  for (const language of profile.captions?.languages ?? []) {
    const formats = profile.captions?.formats ?? [];
    const has = (candidate.captions ?? []).some(
      (c) => (c.language === language || c.language.startsWith(`${language}-`)) && formats.includes(c.format as never),
    );
    if (has) continue;
    problems.push({
      kind: 'missing-captions',
      language,
      formats,
      message: `No ${language} captions in ${formats.join(' or ')}`,
      fix: `Add ${language} captions as ${formats[0]}`,
    });
  }
  if (profile.qcPolicy !== undefined) checkQc(profile, candidate, problems);
  if (candidate.rights !== undefined) {
    for (const territory of profile.rights.territories) {
      const decision = candidate.rights.evaluate({
        assetId: candidate.asset.id,
        versionId: candidate.version.id,
        territory,
        channel: profile.rights.channel,
        at: candidate.at,
        ...(profile.rights.platform === undefined ? {} : { platform: profile.rights.platform }),
      });
      if (decision.allowed) continue;
      problems.push({
        kind: 'rights-not-held',
        territory,
        channel: profile.rights.channel,
        explanation: decision.explain(),
        message: `Rights not held for ${profile.rights.channel} in ${territory}: ${decision.reasons[0] ?? decision.explain()}`,
        fix: `Clear ${profile.rights.channel} rights in ${territory} for the delivery date, or remove ${territory} from the endpoint`,
      });
    }
  }
  return { ok: problems.length === 0, problems, rightsChecked: candidate.rights !== undefined };
}

/** True when a rendition meets a rendition spec. */
export function matchesRendition(r: Rendition, spec: RenditionSpec): boolean {
  return (
    (spec.container === undefined || r.container === spec.container) &&
    (spec.videoCodec === undefined || r.videoCodec === spec.videoCodec) &&
    (spec.audioCodec === undefined || r.audioCodec === spec.audioCodec) &&
    (spec.width === undefined || r.width === spec.width) &&
    (spec.height === undefined || r.height === spec.height) &&
    (spec.minBitRate === undefined || (r.bitRate !== undefined && r.bitRate >= spec.minBitRate)) &&
    (spec.maxBitRate === undefined || (r.bitRate !== undefined && r.bitRate <= spec.maxBitRate))
  );
}

function checkQc(profile: DeliveryProfile, candidate: DeliveryCandidate, problems: DeliveryProblem[]): void {
  const policy = profile.qcPolicy as string;
  const report = candidate.qc;
  if (report === undefined || report.policy.name !== policy) {
    problems.push({
      kind: 'qc-missing',
      policy,
      message: `Version "${candidate.version.name}" has no QC report under policy "${policy}"`,
      fix: `Run QC with policy "${policy}" on the version`,
    });
    return;
  }
  const accepted = profile.qcAllowWarnings ? ['pass', 'warn'] : ['pass'];
  if (accepted.includes(report.verdict)) return;
  const blocking = report.findings.filter(
    (f) => f.severity === 'fail' || (!profile.qcAllowWarnings && f.severity === 'warn'),
  );
  problems.push({
    kind: 'qc-failed',
    policy,
    reportId: report.id,
    verdict: report.verdict,
    findings: blocking.map((f) => ({ rule: f.rule, timecodeIn: f.timecodeIn, message: f.message })),
    message: `QC "${policy}" ${report.verdict}: ${blocking
      .slice(0, 5)
      .map((f) => `${f.rule} at ${f.timecodeIn}`)
      .join(', ')}${blocking.length > 5 ? ` and ${blocking.length - 5} more` : ''}`,
    fix: `Fix the findings (or correct loudness), then run QC "${policy}" again`,
  });
}

function checkField(spec: MetadataFieldSpec, value: unknown, problems: DeliveryProblem[]): void {
  const { field } = spec;
  const empty = value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
  if (empty) {
    if (spec.required)
      problems.push({
        kind: 'metadata-missing',
        field,
        message: `Metadata field "${field}" is empty`,
        fix: `Fill the catalog field that maps to "${field}"`,
      });
    return;
  }
  const items = (Array.isArray(value) ? value : [value]).map((v) => (v instanceof Date ? v.toISOString() : String(v)));
  if (spec.maxItems !== undefined && items.length > spec.maxItems)
    problems.push({
      kind: 'metadata-too-many',
      field,
      count: items.length,
      limit: spec.maxItems,
      message: `Metadata field "${field}" has ${items.length} items; the limit is ${spec.maxItems}`,
      fix: `Keep at most ${spec.maxItems} items in "${field}"`,
    });
  if (spec.maxLength !== undefined) {
    const length = Array.isArray(value)
      ? items.reduce((sum, i) => sum + [...i].length, 0) + Math.max(0, items.length - 1) * (spec.joinWith ?? '').length
      : [...(items[0] as string)].length;
    if (length > spec.maxLength)
      problems.push({
        kind: 'metadata-too-long',
        field,
        length,
        limit: spec.maxLength,
        message: `Metadata field "${field}" is ${length} characters; the limit is ${spec.maxLength}`,
        fix: `Shorten "${field}" by ${length - spec.maxLength} characters`,
      });
  }
  for (const item of items) {
    const bad = [...(spec.forbiddenCharacters ?? '')].find((c) => item.includes(c));
    if (bad !== undefined) {
      problems.push({
        kind: 'metadata-forbidden-character',
        field,
        character: bad,
        message: `Metadata field "${field}" contains ${JSON.stringify(bad)}, which the endpoint refuses`,
        fix: `Remove ${JSON.stringify(bad)} from "${field}"`,
      });
      break;
    }
    const formatOk = checkFormat(spec.format, item);
    const patternOk = spec.pattern === undefined || new RegExp(`^(?:${spec.pattern})$`, 'u').test(item);
    if (!formatOk || !patternOk) {
      const format = formatOk ? 'pattern' : spec.format;
      problems.push({
        kind: 'metadata-format',
        field,
        format,
        value: item.length > 80 ? `${item.slice(0, 77)}...` : item,
        message: `Metadata field "${field}" value ${JSON.stringify(item.slice(0, 80))} is not ${format === 'pattern' ? `in the form ${spec.pattern}` : `a valid ${format}`}`,
        fix: `Give "${field}" ${format === 'pattern' ? `a value matching ${spec.pattern}` : `a ${format}`}`,
      });
      break;
    }
  }
}

function checkFormat(format: MetadataFieldSpec['format'], value: string): boolean {
  switch (format) {
    case 'text':
      return true;
    case 'language':
      try {
        return Intl.getCanonicalLocales(value).length === 1;
      } catch {
        return false;
      }
    case 'date': {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
      const d = new Date(`${value}T00:00:00Z`);
      return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
    }
    case 'date-time':
      return (
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/.test(value) &&
        !Number.isNaN(Date.parse(value))
      );
    case 'uri':
      try {
        new URL(value);
        return true;
      } catch {
        return false;
      }
    case 'territory':
      return KNOWN_TERRITORIES.has(value);
  }
}
