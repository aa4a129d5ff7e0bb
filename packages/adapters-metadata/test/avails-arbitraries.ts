/** fast-check arbitraries for valid avails (as the reader returns them, without their row). */
import fc from 'fast-check';
import {
  AVAILS_CONDITIONS,
  AVAILS_ENTRY_TYPES,
  AVAILS_FORMAT_PROFILES,
  AVAILS_LICENSE_TYPES,
  AVAILS_LOCALIZATION_TYPES,
  type Avail,
  type AvailsBound,
} from '../src/avails/index.js';

/** Text a cell may hold: no leading/trailing blanks, may start with a formula character. */
const text = fc
  .string({
    unit: fc.constantFrom('a', 'Z', '0', ' ', ',', '"', '=', '+', '-', '@', "'", 'é', '\n'),
    minLength: 1,
    maxLength: 12,
  })
  .map((s) => s.trim())
  .filter((s) => s !== '' && !s.startsWith('//'));

const day = fc
  .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2090-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const instant = fc
  .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2090-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString());
const country = fc.constantFrom('US', 'CA', 'GB', 'FR', 'DE', 'NA', 'BR', 'JP', 'AU');
const language = fc.constantFrom('en', 'fr', 'fr-CA', 'es-419', 'de', 'pt-BR', 'ja');
const duration = fc.constantFrom('P30D', 'P18M', 'P1Y', 'P1Y2M3D', 'PT12H', 'P0D');
const id = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9:._-]{0,20}$/);

const startBound: fc.Arbitrary<AvailsBound> = fc.oneof(
  day.map((date) => ({ date })),
  instant.map((i) => ({ instant: i })),
  fc
    .constantFrom(...AVAILS_CONDITIONS.filter((c) => c !== 'Open' && c !== 'Completed'))
    .map((condition) => ({ condition })),
);
const endBound: fc.Arbitrary<AvailsBound> = fc.oneof(
  fc.constant('2099-01-01').map((date) => ({ date })),
  instant.map((i) => ({ instant: i })),
  fc.constantFrom(...AVAILS_CONDITIONS.filter((c) => c !== 'Immediate')).map((condition) => ({ condition })),
);

/** A valid avail as read back from a sheet (its `row` set by the caller). */
export const arbitraryAvail = (tv: boolean): fc.Arbitrary<Omit<Avail, 'row'>> =>
  fc
    .record(
      {
        entryType: fc.constantFrom(...AVAILS_ENTRY_TYPES),
        licensor: text,
        licensee: text,
        workType: tv ? fc.constantFrom('Episode', 'Season', 'Series') : fc.constantFrom('Movie', 'Short', 'Collection'),
        title: text,
        territories: fc.oneof(fc.uniqueArray(country, { minLength: 1, maxLength: 3 }), fc.constant(['WORLDWIDE'])),
        territoryExclusions: fc.uniqueArray(country, { maxLength: 2 }),
        licenseType: fc.constantFrom(...AVAILS_LICENSE_TYPES),
        formatProfile: fc.constantFrom(...AVAILS_FORMAT_PROFILES),
        hdr: fc.constantFrom('HDR10', 'DV'),
        start: startBound,
        end: endBound,
        startLag: duration,
        endLag: duration,
        exclusive: fc.boolean(),
        exclusiveAttributes: text,
        allowedLanguages: fc.uniqueArray(language, { maxLength: 3 }),
        holdbackLanguages: fc.uniqueArray(language, { maxLength: 2 }),
        assetLanguage: language,
        localizationType: fc.constantFrom(...AVAILS_LOCALIZATION_TYPES),
        contractId: id,
        availId: id,
        alid: id,
        titleId: id,
        editId: id,
        contentId: tv ? fc.constant(undefined) : id,
        seriesContentId: tv ? id : fc.constant(undefined),
        seasonContentId: tv ? id : fc.constant(undefined),
        episodeContentId: tv ? id : fc.constant(undefined),
        seasonNumber: tv ? fc.integer({ min: 1, max: 30 }).map(String) : fc.constant(undefined),
        episodeNumber: tv ? fc.integer({ min: 1, max: 30 }).map(String) : fc.constant(undefined),
        titleStatus: fc.constantFrom('Pending', 'Approved'),
      },
      {
        requiredKeys: [
          'entryType',
          'licensor',
          'workType',
          'territories',
          'territoryExclusions',
          'licenseType',
          'start',
          'end',
          'allowedLanguages',
          'holdbackLanguages',
        ],
      },
    )
    .map((a) => {
      const avail = Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined)) as Record<string, unknown>;
      // Lags go with conditions only.
      if (!('condition' in a.start)) delete avail.startLag;
      if (!('condition' in a.end)) delete avail.endLag;
      return avail as unknown as Omit<Avail, 'row'>;
    })
    .filter((a) => {
      // End after Start (a date compared with an instant as midnight UTC); a Delete names its AvailID.
      const at = (b: AvailsBound): number | undefined =>
        'date' in b ? Date.parse(`${b.date}T00:00:00Z`) : 'instant' in b ? Date.parse(b.instant) : undefined;
      const [start, end] = [at(a.start), at(a.end)];
      if (start !== undefined && end !== undefined && end <= start) return false;
      return !((a.entryType === 'Delete' || a.entryType === 'Full Delete') && a.availId === undefined);
    });
