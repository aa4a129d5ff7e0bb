import { parseInput } from '@framewise/core/adapter-kit';
import { ExternalIdSchema } from '@framewise/core/assets';
import { FramewiseError } from '@framewise/core/errors';
import { type AssetDescription, type AssetDescriptionInput, AssetDescriptionSchema } from '@framewise/core/interchange';
import type { FrameRateJson } from '@framewise/core/time';
import type { XmlElement } from '../xml/parser.js';
import type { XmlQuery } from '../xml/query.js';
import { isoDurationSeconds, timecodeFrames } from '../xml/time.js';
import { DC_NS as DC, ESSENCE, FILE_COPY, ID_LABELS, EBUCORE_NS as NS } from './names.js';
import { type EbuCoreProducer, openEbuCore } from './open.js';
import { type EbuCoreTechnical, readTechnical } from './technical.js';
import { type EbuCoreVocabularies, type UnmappedLabel, VocabularyReader } from './vocabulary.js';

type Input = AssetDescriptionInput;
type AssetIn = Input['asset'];
type Credit = NonNullable<AssetIn['credits']>[number];

/** Options of {@link readEbuCore}. */
export interface EbuCoreReadOptions {
  /** Name of the document in errors (a file name). */
  readonly source?: string;
  /** Asset id to use when the document carries none (a third party's document). */
  readonly assetId?: string;
  /** Version id to use when the document carries none. */
  readonly versionId?: string;
  /**
   * Frame rate for a document that states none (an audio-only file, a stream MediaInfo could not
   * time); without it such a document is refused.
   */
  readonly rate?: FrameRateJson;
  /** The host's own label maps, on top of the built-in ones (see {@link EbuCoreVocabularies}). */
  readonly vocabularies?: EbuCoreVocabularies;
}

/** What {@link readEbuCoreDocument} returns: the description and how it was read. */
export interface EbuCoreImport {
  readonly description: AssetDescription;
  /** Who wrote the document, by its own markers. */
  readonly producer: EbuCoreProducer;
  /** Labels no vocabulary knew, and what they were read as (kept, not refused). */
  readonly unmapped: readonly UnmappedLabel[];
}

const TITLE_KINDS = new Set(['original', 'episode', 'short', 'sort', 'working', 'alternative']);
const LENGTHS = new Set(['short', 'medium', 'long']);
const PART_TYPES = new Set(['segment', 'chapter', 'ad-break']);

/**
 * Read an EBUCore document (1.8, 1.9 or 1.10) into an {@link AssetDescription}: every field
 * Framewise writes comes back as it was written; third-party documents give what they carry.
 *
 * @throws `INVALID_INPUT` naming the source (and line and column where it applies) for
 * malformed or hostile XML, a wrong root or namespace, a document without titles or ids (unless
 * given in options), or values that do not fit the model.
 */
export function readEbuCore(document: string | Uint8Array, options: EbuCoreReadOptions = {}): AssetDescription {
  return readEbuCoreDocument(document, options).description;
}

/**
 * Read an EBUCore document as {@link readEbuCore} does, and say who wrote it and which labels were
 * read through a fallback. Third-party `typeLabel`s are mapped through vocabularies (built-in and
 * the host's): an unknown object type, role or version kind becomes `other`, an unknown identifier
 * an `other` id whose namespace is the label; titles and descriptions without `xml:lang` take the
 * nearest ancestor's; a document without a title is titled by its file name (`fileName`, else the
 * locator's last path segment).
 *
 * @throws as {@link readEbuCore}.
 */
export function readEbuCoreDocument(document: string | Uint8Array, options: EbuCoreReadOptions = {}): EbuCoreImport {
  const source = options.source ?? 'EBUCore document';
  const { q, core, producer, lang } = openEbuCore(document, source);
  const vocab = new VocabularyReader(options.vocabularies);
  const identifiers = q.all(core, NS, 'identifier').map((el) => ({
    el,
    type: el.attributes.get('typeLabel'),
    format: el.attributes.get('formatLabel'),
    value: q.childText(el, DC, 'identifier'),
  }));
  const idOf = (label: string): string | undefined => identifiers.find((i) => i.type === label)?.value;
  const assetId = idOf(ID_LABELS.asset) ?? options.assetId;
  const versionId = idOf(ID_LABELS.version) ?? options.versionId;
  if (assetId === undefined || versionId === undefined) {
    throw new FramewiseError(
      'INVALID_INPUT',
      `${source} has no ${assetId === undefined ? ID_LABELS.asset : ID_LABELS.version} identifier; pass assetId and versionId to read a third party's document`,
      { details: { source } },
    );
  }

  const formats = q.all(core, NS, 'format');
  const essenceFormat =
    formats.find((f) => f.attributes.get('formatName') === ESSENCE) ??
    formats.find((f) => f.attributes.get('formatName') !== FILE_COPY);
  const technical: EbuCoreTechnical =
    essenceFormat === undefined
      ? { essence: undefined, rate: undefined, durationFrames: undefined, startTimecode: undefined }
      : readTechnical(q, essenceFormat, producer, options.rate);
  const rate =
    technical.rate ??
    options.rate ??
    q.fail(core, 'no frame rate (start timecode, edit units or video frame rate); pass the rate option');
  const startTimecode = technical.startTimecode ?? '00:00:00:00';
  const versionEl = q.first(core, NS, 'version');
  const languages = q.all(core, NS, 'language');
  const langOf = (label: string): string | undefined =>
    q.childText(languages.find((l) => l.attributes.get('typeLabel') === label) ?? core, DC, 'language');
  const coverage = coverageLocations(q, core);

  const input: Input = {
    asset: {
      id: assetId,
      kind: kindOf(q, core, vocab),
      externalIds: identifiers
        .filter((i) => i.type !== undefined && !Object.values<string>(ID_LABELS).includes(i.type))
        .flatMap((i) => externalId(vocab, i.type as string, i.value, i.format)),
      titles: titles(q, core, lang, formats),
      synopses: q.all(core, NS, 'description').flatMap((d) =>
        q.all(d, DC, 'description').map((t) => ({
          language: lang(t) ?? 'und',
          value: t.text,
          length: (LENGTHS.has(d.attributes.get('typeLabel') ?? '')
            ? d.attributes.get('typeLabel')
            : 'medium') as 'short',
        })),
      ),
      numbering: numbering(q, core, idOf(ID_LABELS.productionNumber)),
      genres: q
        .all(core, NS, 'type')
        .flatMap((t) => q.all(t, NS, 'genre'))
        .map((g) => g.attributes.get('typeLabel') ?? q.text(g)),
      moods: subjects(q, core, 'mood'),
      themes: subjects(q, core, 'theme'),
      keywords: subjects(q, core, 'keyword'),
      credits: credits(q, core, vocab),
      ratings: q.all(core, NS, 'audienceRating').map((r) => {
        const values = q.all(r, NS, 'ratingValue').map((v) => q.text(v));
        const region = q.first(r, NS, 'ratingRegion');
        const country = region === undefined ? undefined : q.first(region, NS, 'country');
        return {
          territory: country?.attributes.get('typeLabel') ?? (country ? q.text(country) : ''),
          system: r.attributes.get('ratingSystem') ?? '',
          value: values[0] ?? '',
          descriptors: values.slice(1),
        };
      }),
      ...optional('originalLanguage', langOf('original')),
      countriesOfOrigin: coverage.filter((l) => l.label === 'origin').map((l) => l.code),
      ...optional('productionYear', productionYear(q, core)),
    },
    version: {
      id: versionId,
      name: versionEl === undefined ? 'imported' : q.text(versionEl),
      kind: vocab.map('version', versionEl?.attributes.get('typeLabel') ?? 'other', 'other'),
      rate,
      durationFrames: technical.durationFrames ?? 0,
      startTimecode,
      ...optional('language', langOf('version')),
      ...optional('territory', coverage.find((l) => l.label === 'version-territory')?.code),
      ...optional('essence', technical.essence),
      locations: formats.flatMap((f) => location(q, f)),
    },
    parts: parts(q, core, rate, startTimecode),
    rights: q.all(core, NS, 'rights').map((r) => rights(q, r)),
    related: q.all(core, NS, 'isRelatedTo').map((r) => {
      const rid = q.first(r, NS, 'relationIdentifier');
      return {
        id: (rid && q.childText(rid, DC, 'identifier')) ?? '',
        kind: vocab.map('related', r.attributes.get('typeLabel') ?? 'document', 'document'),
      };
    }),
  };
  const description = parseInput(AssetDescriptionSchema, input, source);
  return { description, producer, unmapped: vocab.unmapped };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** An identifier through the vocabulary: an unknown label, or a value its scheme refuses, is `other`. */
function externalId(
  vocab: VocabularyReader,
  label: string,
  value: string | undefined,
  format: string | undefined,
): NonNullable<AssetIn['externalIds']> {
  if (value === undefined) return [];
  const scheme = vocab.lookup('identifier', label) ?? (label === 'other' ? 'other' : undefined);
  const keepLabel = () => {
    vocab.unmapped.push({ vocabulary: 'identifier', label, readAs: 'other' });
    return [{ scheme: 'other' as const, value, namespace: label.slice(0, 100) }];
  };
  if (scheme === undefined) return keepLabel();
  const id = { scheme, value, ...(format === undefined ? {} : { namespace: format }) };
  return ExternalIdSchema.safeParse(id).success ? [id] : keepLabel();
}

function titles(
  q: XmlQuery,
  core: XmlElement,
  lang: (el: XmlElement) => string | undefined,
  formats: readonly XmlElement[],
): AssetIn['titles'] {
  const out: AssetIn['titles'] = [];
  for (const [name, main] of [
    ['title', true],
    ['alternativeTitle', false],
  ] as const) {
    for (const t of q.all(core, NS, name)) {
      const label = t.attributes.get('typeLabel') ?? '';
      const kind = main ? 'main' : TITLE_KINDS.has(label) ? label : 'alternative';
      for (const dc of q.all(t, DC, 'title')) {
        out.push({ language: lang(dc) ?? 'und', value: dc.text, kind: kind as 'main' });
      }
    }
  }
  if (out.length === 0) {
    const name = fileNameOf(q, formats);
    if (name !== undefined) out.push({ language: 'und', value: name, kind: 'main' });
  }
  return out;
}

/** The file a document describes: `fileName`, else the last segment of a `locator`. */
function fileNameOf(q: XmlQuery, formats: readonly XmlElement[]): string | undefined {
  for (const f of formats) {
    const name = q.childText(f, NS, 'fileName');
    if (name !== undefined) return name;
  }
  for (const f of formats) {
    const locator = q.childText(f, NS, 'locator');
    const last = locator
      ?.split(/[/\\]/)
      .filter((p) => p !== '')
      .pop();
    if (last !== undefined) {
      try {
        return decodeURIComponent(last);
      } catch {
        return last;
      }
    }
  }
  return undefined;
}

function subjects(q: XmlQuery, core: XmlElement, label: string): string[] {
  return q
    .all(core, NS, 'subject')
    .filter((s) => s.attributes.get('typeLabel') === label || (label === 'keyword' && !s.attributes.has('typeLabel')))
    .flatMap((s) => q.all(s, DC, 'subject').map((d) => q.text(d)));
}

function credits(q: XmlQuery, core: XmlElement, vocab: VocabularyReader): Credit[] {
  return q.all(core, NS, 'contributor').map((c, order) => {
    const details = q.first(c, NS, 'contactDetails');
    const name = details === undefined ? undefined : personName(q, details);
    if (name === undefined) q.fail(c, '<contributor> has no contactDetails name');
    const related = details === undefined ? undefined : q.first(details, NS, 'relatedContacts');
    const relatedDetails = related === undefined ? undefined : q.first(related, NS, 'contactDetails');
    const character =
      (details && q.childText(details, NS, 'characterName')) ??
      (relatedDetails === undefined ? undefined : personName(q, relatedDetails));
    const roleEl = q.first(c, NS, 'role');
    const role = roleEl?.attributes.get('typeLabel') ?? (roleEl && q.text(roleEl)) ?? 'other';
    return {
      name,
      role: vocab.map('role', role === '' ? 'other' : role, 'other'),
      ...optional('character', character),
      order,
      ...optional('personId', c.attributes.get('entityId')),
    };
  });
}

function personName(q: XmlQuery, details: XmlElement): string | undefined {
  const name = q.childText(details, NS, 'name');
  if (name !== undefined) return name;
  const parts = [q.childText(details, NS, 'givenName'), q.childText(details, NS, 'familyName')].filter(
    (p): p is string => p !== undefined,
  );
  return parts.length > 0 ? parts.join(' ') : undefined;
}

function kindOf(q: XmlQuery, core: XmlElement, vocab: VocabularyReader): AssetIn['kind'] {
  const el = q.all(core, NS, 'type').flatMap((t) => q.all(t, NS, 'objectType'))[0];
  const label = el === undefined ? undefined : (el.attributes.get('typeLabel') ?? q.text(el));
  return label === undefined || label === '' ? 'other' : vocab.map('objectType', label, 'other');
}

function productionYear(q: XmlQuery, core: XmlElement): number | undefined {
  for (const d of q.all(core, NS, 'date')) {
    const created = q.first(d, NS, 'created');
    const year = created?.attributes.get('startYear') ?? created?.attributes.get('startDate')?.slice(0, 4);
    if (created !== undefined && year !== undefined) return q.int(created, year, 'created startYear');
  }
  return undefined;
}

function numbering(q: XmlQuery, core: XmlElement, productionNumber: string | undefined): AssetIn['numbering'] {
  const target = (el: XmlElement): string | undefined => {
    const rid = q.first(el, NS, 'relationIdentifier');
    return rid === undefined ? undefined : q.childText(rid, DC, 'identifier');
  };
  const episode = q.first(core, NS, 'isEpisodeOf');
  const members = q.all(core, NS, 'isMemberOf');
  const season = members.find((m) => m.attributes.get('typeLabel') === 'season');
  const series = members.find((m) => m.attributes.get('typeLabel') === 'series');
  const n = {
    ...optional('seriesId', series === undefined ? undefined : target(series)),
    ...optional('seasonId', season === undefined ? undefined : target(season)),
    ...optional(
      'seasonNumber',
      season && q.int(season, season.attributes.get('runningOrderNumber'), 'runningOrderNumber'),
    ),
    ...optional(
      'episodeNumber',
      episode && q.int(episode, episode.attributes.get('runningOrderNumber'), 'runningOrderNumber'),
    ),
    ...optional('productionNumber', productionNumber),
  };
  return Object.keys(n).length === 0 ? undefined : n;
}

function coverageLocations(q: XmlQuery, parent: XmlElement): { label: string | undefined; code: string }[] {
  const out: { label: string | undefined; code: string }[] = [];
  for (const c of q.all(parent, NS, 'coverage')) {
    for (const s of q.all(c, NS, 'spatial')) {
      for (const l of q.all(s, NS, 'location')) {
        const code = q.childText(l, NS, 'code');
        if (code !== undefined) out.push({ label: l.attributes.get('typeLabel'), code });
      }
    }
  }
  return out;
}

function rights(q: XmlQuery, r: XmlElement): NonNullable<Input['rights']>[number] {
  const holder = q.first(r, NS, 'rightsHolder');
  const org = holder === undefined ? undefined : q.first(holder, NS, 'organisationDetails');
  const coverage = q.first(r, NS, 'coverage');
  const temporal = coverage === undefined ? undefined : q.first(coverage, NS, 'temporal');
  const period = temporal === undefined ? undefined : q.first(temporal, NS, 'PeriodOfTime');
  return {
    ...optional('id', r.attributes.get('rightsID')),
    ...optional('summary', q.childText(r, DC, 'rights')),
    ...optional('holder', org === undefined ? undefined : q.childText(org, NS, 'organisationName')),
    territories: coverageLocations(q, r).map((l) => l.code),
    ...optional('start', period?.attributes.get('startDate')),
    ...optional('end', period?.attributes.get('endDate')),
    ...optional('cleared', q.bool(r, q.childText(r, NS, 'rightsClearanceFlag'), 'rightsClearanceFlag')),
  };
}

function location(q: XmlQuery, format: XmlElement): NonNullable<Input['version']['locations']> {
  if (format.attributes.get('formatName') !== FILE_COPY) return [];
  const locator = q.first(format, NS, 'locator');
  const storage = locator?.attributes.get('typeLabel');
  if (locator === undefined || storage === undefined) return [];
  const hash = q.first(format, NS, 'hash');
  const attrs = new Map(
    q.all(format, NS, 'technicalAttributeString').map((a) => [a.attributes.get('typeLabel'), q.text(a)] as const),
  );
  const sha256 = hash === undefined ? undefined : q.childText(hash, NS, 'hashValue')?.toLowerCase();
  const md5 = attrs.get('MD5');
  const xxh64 = attrs.get('XXH64');
  return [
    {
      storage,
      key: uriToKey(q, locator),
      ...optional('sizeBytes', q.int(format, q.childText(format, NS, 'fileSize'), 'fileSize')),
      checksums: { ...optional('sha256', sha256), ...optional('md5', md5), ...optional('xxh64', xxh64) },
      ...optional('status', attrs.get('CopyStatus') as 'verified' | undefined),
      ...optional('verifiedAt', attrs.get('VerifiedAt')),
      ...optional('checkedAt', attrs.get('CheckedAt')),
    },
  ];
}

function parts(
  q: XmlQuery,
  core: XmlElement,
  rate: NonNullable<EbuCoreTechnical['rate']>,
  startTimecode: string,
): NonNullable<Input['parts']> {
  const origin = timecodeFrames(startTimecode, rate);
  const perDay = timecodeFrames('23:59:59:00', rate) + Math.round(rate.num / rate.den);
  // A part after midnight of a timeline that starts late in the day has a smaller timecode.
  const since = (label: string): number => {
    const frames = timecodeFrames(label, rate) - origin;
    return frames < 0 ? frames + perDay : frames;
  };
  return q.all(core, NS, 'part').map((p) => {
    const startEl = q.first(p, NS, 'partStartTime');
    const tc = startEl === undefined ? undefined : q.first(startEl, NS, 'timecode');
    const eu = startEl === undefined ? undefined : q.first(startEl, NS, 'editUnitNumber');
    let start = 0;
    if (tc !== undefined) {
      try {
        start = since(q.text(tc));
      } catch (cause) {
        q.fail(tc, `partStartTime ${JSON.stringify(q.text(tc))} is not a timecode at the document's rate`, { cause });
      }
    } else if (eu !== undefined) {
      start = q.int(eu, q.text(eu), 'editUnitNumber') ?? 0;
    }
    const durationEl = q.first(p, NS, 'partDuration');
    const endEl = q.first(p, NS, 'partEndTime');
    let duration = 0;
    const durationUnits = durationEl === undefined ? undefined : q.first(durationEl, NS, 'editUnitNumber');
    const endTc = endEl === undefined ? undefined : q.first(endEl, NS, 'timecode');
    const durationNpt = durationEl === undefined ? undefined : q.first(durationEl, NS, 'normalPlayTime');
    const durationTc = durationEl === undefined ? undefined : q.first(durationEl, NS, 'timecode');
    if (durationUnits !== undefined) duration = q.int(durationUnits, q.text(durationUnits), 'editUnitNumber') ?? 0;
    else if (endTc !== undefined) duration = since(q.text(endTc)) - start;
    else if (durationNpt !== undefined) {
      const seconds = isoDurationSeconds(q.text(durationNpt));
      if (seconds === undefined) {
        q.fail(durationNpt, `partDuration ${JSON.stringify(q.text(durationNpt))} is not an xs:duration`);
      }
      duration = Math.round((seconds * rate.num) / rate.den);
    } else if (durationTc !== undefined) {
      try {
        duration = timecodeFrames(q.text(durationTc), rate);
      } catch (cause) {
        q.fail(
          durationTc,
          `partDuration ${JSON.stringify(q.text(durationTc))} is not a timecode at the document's rate`,
          {
            cause,
          },
        );
      }
    }
    const titleEl = q.first(p, NS, 'title');
    const title = (titleEl && q.childText(titleEl, DC, 'title')) ?? p.attributes.get('partName');
    const type = p.attributes.get('typeLabel') ?? 'segment';
    return {
      id: p.attributes.get('partId') ?? `part-${p.attributes.get('partNumber') ?? '0'}`,
      type: (PART_TYPES.has(type) ? type : 'segment') as 'segment',
      ...optional('title', title),
      start,
      duration,
    };
  });
}

/**
 * Read only the technical description of an EBUCore document, such as MediaInfo's
 * `--Output=EBUCore`: container, video and audio tracks (codec names mapped to ffprobe's), the
 * timeline's rate, start timecode and length in frames.
 *
 * @throws `INVALID_INPUT` as {@link readEbuCore}, or when the document has no format element.
 */
export function readEbuCoreTechnical(
  document: string | Uint8Array,
  options: { readonly source?: string; readonly rate?: FrameRateJson } = {},
): EbuCoreTechnical {
  const source = options.source ?? 'EBUCore document';
  const { q, core, producer } = openEbuCore(document, source);
  const formats = q.all(core, NS, 'format');
  const format =
    formats.find((f) => f.attributes.get('formatName') !== FILE_COPY) ?? q.fail(core, 'no <format> element');
  return readTechnical(q, format, producer, options.rate);
}

function uriToKey(q: XmlQuery, locator: XmlElement): string {
  try {
    return q.text(locator).split('/').map(decodeURIComponent).join('/');
  } catch (cause) {
    return q.fail(locator, `locator ${JSON.stringify(q.text(locator))} is not a percent-encoded URI`, { cause });
  }
}
