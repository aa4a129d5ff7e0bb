import type { AudioTrackSchema, FileLocation, MasteringDisplay, VideoTrackSchema } from '@framewise/core/assets';
import type { AssetDescription } from '@framewise/core/interchange';
import type { z } from 'zod';
import { canonicalTimecode, isoDuration, rateParts, requireTimecodeRate, timecodeLabel } from '../xml/time.js';
import { type XmlAttributes, type XmlOut, XmlWriter } from '../xml/writer.js';
import { DC_NS, EBUCORE_NS, type EbuCoreVersion, ESSENCE, FILE_COPY, ID_LABELS } from './names.js';

type VideoTrack = z.output<typeof VideoTrackSchema>;
type AudioTrack = z.output<typeof AudioTrackSchema>;

/** Options of the EBUCore writer. */
export interface EbuCoreWriteOptions {
  /** Schema version to target: `1.10` (default) or `1.8` (MediaInfo's; element order is strict). */
  readonly version: EbuCoreVersion;
  /** Instant written as `dateLastModified`/`timeLastModified` (default: now). */
  readonly modified: Date;
  /** Chunk size at which the stream yields (characters). */
  readonly chunkSize: number;
}

const E = 'ebucore:';
const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
/** English name of an ISO 3166-1 code (EBUCore 1.8 requires a location name before its code). */
const countryName = (code: string): string => regionNames.of(code) ?? code;

/**
 * Write one described version as an EBUCore document, yielding chunks of at most about
 * `chunkSize` characters. Element order follows the 1.8 sequence, which 1.10 also accepts.
 * The description must already be parsed and checked for XML-safe text.
 */
export function* ebuCoreChunks(
  d: AssetDescription,
  options: EbuCoreWriteOptions,
  w: XmlOut = new XmlWriter(),
): Generator<string> {
  const { version } = options;
  const iso = options.modified.toISOString();
  w.declaration();
  w.open(`${E}ebuCoreMain`, {
    'xmlns:ebucore': EBUCORE_NS,
    'xmlns:dc': DC_NS,
    version,
    writingLibraryName: 'Framewise',
    dateLastModified: iso.slice(0, 10),
    timeLastModified: `${iso.slice(11, 19)}Z`,
  });
  w.open(`${E}coreMetadata`);
  const { asset, version: v } = d;

  // title, alternativeTitle: main titles first, then the other kinds (1.8 order).
  for (const t of asset.titles.filter((t) => t.kind === 'main')) {
    w.open(`${E}title`).leaf('dc:title', t.value, { 'xml:lang': t.language }).close();
  }
  for (const t of asset.titles.filter((t) => t.kind !== 'main')) {
    w.open(`${E}alternativeTitle`, { typeLabel: t.kind });
    w.leaf('dc:title', t.value, { 'xml:lang': t.language }).close();
  }
  // subject: keywords, moods, themes.
  for (const [label, values] of [
    ['keyword', asset.keywords],
    ['mood', asset.moods],
    ['theme', asset.themes],
  ] as const) {
    for (const value of values) w.open(`${E}subject`, { typeLabel: label }).leaf('dc:subject', value).close();
  }
  // description: synopses.
  for (const s of asset.synopses) {
    w.open(`${E}description`, { typeLabel: s.length });
    w.leaf('dc:description', s.value, { 'xml:lang': s.language }).close();
  }
  // contributor: credits in billing order.
  const credits = [...asset.credits].sort((a, b) => (a.order ?? Infinity) - (b.order ?? Infinity));
  for (const c of credits) {
    w.open(`${E}contributor`, { entityId: c.personId });
    w.open(`${E}contactDetails`).leaf(`${E}name`, c.name);
    if (c.character !== undefined && version === '1.10') w.leaf(`${E}characterName`, c.character);
    if (c.character !== undefined && version === '1.8') {
      w.open(`${E}relatedContacts`).open(`${E}contactDetails`).leaf(`${E}name`, c.character).close();
      w.empty(`${E}role`, { typeLabel: 'character' }).close();
    }
    w.close();
    w.empty(`${E}role`, { typeLabel: c.role }).close();
  }
  // date: production year.
  if (asset.productionYear !== undefined) {
    w.open(`${E}date`).empty(`${E}created`, { startYear: asset.productionYear }).close();
  }
  // type: genres and the asset kind.
  w.open(`${E}type`);
  for (const g of asset.genres) w.empty(`${E}genre`, { typeLabel: g });
  w.empty(`${E}objectType`, { typeLabel: asset.kind });
  w.close();
  // format: the essence, then one per file copy.
  writeEssenceFormat(w, d);
  for (const location of v.locations) writeLocationFormat(w, location);
  // identifier: Framewise ids, production number, external ids.
  w.open(`${E}identifier`, { typeLabel: ID_LABELS.asset, formatLabel: 'framewise' });
  w.leaf('dc:identifier', asset.id).close();
  w.open(`${E}identifier`, { typeLabel: ID_LABELS.version, formatLabel: 'framewise' });
  w.leaf('dc:identifier', v.id).close();
  if (asset.numbering?.productionNumber !== undefined) {
    w.open(`${E}identifier`, { typeLabel: ID_LABELS.productionNumber });
    w.leaf('dc:identifier', asset.numbering.productionNumber).close();
  }
  for (const id of asset.externalIds) {
    w.open(`${E}identifier`, { typeLabel: id.scheme, formatLabel: id.namespace });
    w.leaf('dc:identifier', id.value).close();
  }
  // language: original language, version language.
  if (asset.originalLanguage !== undefined) {
    w.open(`${E}language`, { typeLabel: 'original' }).leaf('dc:language', asset.originalLanguage).close();
  }
  if (v.language !== undefined) {
    w.open(`${E}language`, { typeLabel: 'version' }).leaf('dc:language', v.language).close();
  }
  // isRelatedTo: related assets.
  for (const r of d.related) {
    w.open(`${E}isRelatedTo`, { typeLabel: r.kind });
    w.open(`${E}relationIdentifier`, { formatLabel: 'framewise' }).leaf('dc:identifier', r.id).close().close();
  }
  writeNumbering(w, d);
  // coverage: countries of origin and the version's territory.
  if (asset.countriesOfOrigin.length > 0 || v.territory !== undefined) {
    w.open(`${E}coverage`).open(`${E}spatial`);
    for (const code of asset.countriesOfOrigin) {
      w.open(`${E}location`, { typeLabel: 'origin' })
        .leaf(`${E}name`, countryName(code))
        .leaf(`${E}code`, code)
        .close();
    }
    if (v.territory !== undefined) {
      w.open(`${E}location`, { typeLabel: 'version-territory' });
      w.leaf(`${E}name`, countryName(v.territory)).leaf(`${E}code`, v.territory).close();
    }
    w.close().close();
  }
  // rights.
  for (const r of d.rights) {
    w.open(`${E}rights`, { rightsID: r.id });
    w.leaf('dc:rights', r.summary);
    if (r.holder !== undefined) {
      w.open(`${E}rightsHolder`).open(`${E}organisationDetails`);
      w.leaf(`${E}organisationName`, r.holder).close().close();
    }
    if (r.start !== undefined || r.end !== undefined || r.territories.length > 0) {
      w.open(`${E}coverage`);
      if (r.start !== undefined || r.end !== undefined) {
        w.open(`${E}temporal`).empty(`${E}PeriodOfTime`, { startDate: r.start, endDate: r.end }).close();
      }
      if (r.territories.length > 0) {
        w.open(`${E}spatial`);
        for (const code of r.territories) {
          w.open(`${E}location`).leaf(`${E}name`, countryName(code)).leaf(`${E}code`, code).close();
        }
        w.close();
      }
      w.close();
    }
    w.leaf(`${E}rightsClearanceFlag`, r.cleared);
    w.close();
  }
  // version: the version's name and kind.
  w.leaf(`${E}version`, v.name, { typeLabel: v.kind });
  // audienceRating: content ratings.
  for (const r of asset.ratings) {
    w.open(`${E}audienceRating`, { ratingSystem: r.system });
    w.leaf(`${E}ratingValue`, r.value);
    // Descriptors follow the rating as further values (ratingValue takes no type label).
    for (const descriptor of r.descriptors) w.leaf(`${E}ratingValue`, descriptor);
    w.open(`${E}ratingRegion`).empty(`${E}country`, { typeLabel: r.territory }).close();
    w.close();
  }
  // part: segments, chapters and breaks, with start and end timecodes.
  const start = canonicalTimecode(v.startTimecode, v.rate, 'description.version.startTimecode').frames;
  const parts = d.parts;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] as AssetDescription['parts'][number];
    w.open(`${E}part`, {
      partId: p.id,
      partName: p.title,
      partNumber: i + 1,
      partTotalNumber: parts.length,
      typeLabel: p.type,
    });
    if (p.title !== undefined) w.open(`${E}title`).leaf('dc:title', p.title).close();
    w.open(`${E}partStartTime`);
    w.leaf(`${E}timecode`, timecodeLabel(start + p.start, v.rate), timecodeAttrs(v.rate));
    w.close();
    // partEndTime is exclusive: the next part starts on it.
    w.open(`${E}partEndTime`);
    w.leaf(`${E}timecode`, timecodeLabel(start + p.start + p.duration, v.rate), timecodeAttrs(v.rate));
    w.close().close();
    if (w.buffered >= options.chunkSize) yield w.take();
  }
  w.close().close();
  yield w.take();
}

function timecodeAttrs(rate: AssetDescription['version']['rate']): XmlAttributes {
  const rp = rateParts(rate);
  return {
    editRate: rp.base,
    factorNumerator: rp.factorNumerator,
    factorDenominator: rp.factorDenominator,
    dropframe: rate.dropFrame,
  };
}

function writeEssenceFormat(w: XmlOut, d: AssetDescription): void {
  const v = d.version;
  const e = v.essence;
  requireTimecodeRate(v.rate, `version ${v.id}`);
  w.open(`${E}format`, { formatName: ESSENCE });
  for (const track of e?.video ?? []) writeVideo(w, track);
  for (const track of e?.audio ?? []) writeAudio(w, track);
  if (e !== undefined) {
    w.open(`${E}containerFormat`, { containerFormatName: e.container });
    w.empty(`${E}containerEncoding`, { formatLabel: e.container });
    if (e.operationalPattern !== undefined) {
      w.leaf(`${E}technicalAttributeString`, e.operationalPattern, { typeLabel: 'FormatProfile' });
    }
    w.close();
  }
  const startLabel = canonicalTimecode(v.startTimecode, v.rate, 'description.version.startTimecode').label;
  w.open(`${E}start`).leaf(`${E}timecode`, startLabel, timecodeAttrs(v.rate)).close();
  const rp = rateParts(v.rate);
  w.open(`${E}duration`, { typeLabel: 'timecode' });
  w.leaf(`${E}timecode`, timecodeLabel(v.durationFrames, v.rate), timecodeAttrs(v.rate)).close();
  w.open(`${E}duration`, { typeLabel: 'normalPlayTime' });
  w.leaf(`${E}normalPlayTime`, isoDuration(v.durationFrames, v.rate)).close();
  w.open(`${E}duration`, { typeLabel: 'editUnits' });
  w.leaf(`${E}editUnitNumber`, v.durationFrames, {
    editRate: rp.base,
    factorNumerator: rp.factorNumerator,
    factorDenominator: rp.factorDenominator,
  });
  w.close();
  if (e !== undefined) {
    w.leaf(`${E}fileSize`, e.sizeBytes);
    // technicalAttributes: strings before integers before longs (1.8 sequence).
    // The essence's own start timecode, in its one canonical form at the essence's rate (a
    // label with spaces, a drop-frame separator at a non-drop rate or a field out of range is refused).
    const essenceStart =
      e.startTimecode === undefined
        ? undefined
        : canonicalTimecode(
            e.startTimecode,
            e.video[0]?.frameRate ?? v.rate,
            'description.version.essence.startTimecode',
          ).label;
    w.leaf(`${E}technicalAttributeString`, essenceStart, { typeLabel: 'EssenceStartTimecode' });
    if (e.bitRate !== undefined) {
      w.leaf(`${E}technicalAttributeLong`, e.bitRate, { typeLabel: 'OverallBitRate', unit: 'bps' });
    }
    w.leaf(`${E}technicalAttributeLong`, e.durationFrames, { typeLabel: 'EssenceDurationFrames' });
  }
  w.close();
}

function writeVideo(w: XmlOut, t: VideoTrack): void {
  const rp = rateParts(t.frameRate);
  w.open(`${E}videoFormat`, {
    videoFormatName: t.codec,
    videoFormatProfile: t.profile,
    videoFormatProfileLevel: t.level,
  });
  w.leaf(`${E}width`, t.width, { unit: 'pixel' });
  w.leaf(`${E}height`, t.height, { unit: 'pixel' });
  w.leaf(`${E}frameRate`, rp.base, {
    factorNumerator: rp.factorNumerator,
    factorDenominator: rp.factorDenominator,
  });
  for (const [label, ratio] of [
    ['display', t.displayAspectRatio],
    ['sample', t.sampleAspectRatio],
  ] as const) {
    if (ratio === undefined) continue;
    const [num, den] = ratio.split(':');
    w.open(`${E}aspectRatio`, { typeLabel: label });
    w.leaf(`${E}factorNumerator`, num).leaf(`${E}factorDenominator`, den).close();
  }
  w.open(`${E}codec`).leaf(`${E}name`, t.codec).close();
  w.leaf(`${E}bitRate`, t.bitRate);
  if (t.scan !== undefined) {
    w.leaf(`${E}scanningFormat`, t.scan.type === 'interlaced' ? 'interlaced' : 'progressive');
    if (t.scan.fieldOrder !== undefined) w.leaf(`${E}scanningOrder`, t.scan.fieldOrder === 'tff' ? 'top' : 'bottom');
  }
  const strings: Array<[string, string | undefined]> = [
    ['ScanType', t.scan?.type === 'psf' ? 'psf' : undefined],
    ['ChromaSubsampling', t.chromaSubsampling],
    ['ColourPrimaries', t.colourPrimaries],
    ['TransferCharacteristics', t.transfer],
    ['MatrixCoefficients', t.matrix],
    ['colour_range', t.colourRange],
    ['HDRFormat', t.hdrFormat],
    ['MasteringDisplay', t.masteringDisplay && formatMasteringDisplay(t.masteringDisplay)],
  ];
  for (const [label, value] of strings) w.leaf(`${E}technicalAttributeString`, value, { typeLabel: label });
  const integers: Array<[string, number | undefined, string]> = [
    ['BitDepth', t.bitDepth, 'bit'],
    ['MaxCLL', t.contentLightLevel?.maxCll, 'cd/m2'],
    ['MaxFALL', t.contentLightLevel?.maxFall, 'cd/m2'],
    ['Rotation', t.rotation, 'degree'],
  ];
  for (const [label, value, unit] of integers) {
    if (value !== undefined) w.leaf(`${E}technicalAttributeInteger`, value, { typeLabel: label, unit });
  }
  if (t.frameRate.dropFrame) w.leaf(`${E}technicalAttributeBoolean`, true, { typeLabel: 'DropFrame' });
  if (t.variableFrameRate !== undefined)
    w.leaf(`${E}technicalAttributeBoolean`, t.variableFrameRate, { typeLabel: 'VariableFrameRate' });
  if (t.alpha !== undefined) w.leaf(`${E}technicalAttributeBoolean`, t.alpha, { typeLabel: 'Alpha' });
  w.close();
}

/**
 * SMPTE ST 2086 values as `R(x,y) G(x,y) B(x,y) WP(x,y) L(max,min)`, chromaticities as CIE 1931
 * fractions and luminance in cd/m² (the shortest decimals that read back to the same numbers).
 */
function formatMasteringDisplay(m: MasteringDisplay): string {
  const xy = (c: { x: number; y: number }) => `${c.x},${c.y}`;
  return `R(${xy(m.red)}) G(${xy(m.green)}) B(${xy(m.blue)}) WP(${xy(m.whitePoint)}) L(${m.maxLuminance},${m.minLuminance})`;
}

function writeAudio(w: XmlOut, t: AudioTrack): void {
  w.open(`${E}audioFormat`, { audioFormatName: t.codec });
  w.empty(`${E}audioEncoding`, { typeLabel: t.codec });
  w.open(`${E}codec`).leaf(`${E}name`, t.codec).close();
  if (t.layout !== undefined) w.empty(`${E}audioTrackConfiguration`, { typeLabel: t.layout });
  w.leaf(`${E}samplingRate`, t.sampleRate);
  w.leaf(`${E}sampleSize`, t.bitDepth);
  w.leaf(`${E}bitRate`, t.bitRate);
  w.empty(`${E}audioTrack`, { trackId: t.index, typeLabel: t.role, trackLanguage: t.language });
  w.leaf(`${E}channels`, t.channels);
  w.close();
}

function writeLocationFormat(w: XmlOut, l: FileLocation): void {
  w.open(`${E}format`, { formatName: FILE_COPY });
  w.leaf(`${E}fileSize`, l.sizeBytes);
  w.leaf(`${E}fileName`, l.key.slice(l.key.lastIndexOf('/') + 1));
  // locator is an xs:anyURI: each path segment of the key is percent-encoded.
  w.leaf(`${E}locator`, keyToUri(l.key), { typeLabel: l.storage });
  if (l.checksums.sha256 !== undefined) {
    w.open(`${E}hash`).leaf(`${E}hashValue`, l.checksums.sha256);
    w.empty(`${E}hashFunction`, { typeLabel: 'SHA-256' }).close();
  }
  w.leaf(`${E}technicalAttributeString`, l.checksums.md5, { typeLabel: 'MD5' });
  w.leaf(`${E}technicalAttributeString`, l.checksums.xxh64, { typeLabel: 'XXH64' });
  w.leaf(`${E}technicalAttributeString`, l.status, { typeLabel: 'CopyStatus' });
  w.leaf(`${E}technicalAttributeString`, l.verifiedAt, { typeLabel: 'VerifiedAt' });
  w.leaf(`${E}technicalAttributeString`, l.checkedAt, { typeLabel: 'CheckedAt' });
  w.close();
}

function writeNumbering(w: XmlOut, d: AssetDescription): void {
  const n = d.asset.numbering;
  if (n === undefined) return;
  const target = (id: string | undefined, fallback: string): void => {
    if (id !== undefined)
      w.open(`${E}relationIdentifier`, { formatLabel: 'framewise' }).leaf('dc:identifier', id).close();
    else w.leaf('dc:relation', fallback);
  };
  // isEpisodeOf (before isMemberOf in the 1.8 sequence): the episode number within its season.
  if (n.episodeNumber !== undefined) {
    w.open(`${E}isEpisodeOf`, { runningOrderNumber: n.episodeNumber });
    target(n.seasonId ?? n.seriesId, 'season');
    w.close();
  }
  if (n.seasonId !== undefined || n.seasonNumber !== undefined) {
    w.open(`${E}isMemberOf`, { typeLabel: 'season', runningOrderNumber: n.seasonNumber });
    target(n.seasonId, 'season');
    w.close();
  }
  if (n.seriesId !== undefined) {
    w.open(`${E}isMemberOf`, { typeLabel: 'series' });
    target(n.seriesId, 'series');
    w.close();
  }
}

/** A storage key as a relative URI reference: each `/`-separated segment percent-encoded. */
export function keyToUri(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}
