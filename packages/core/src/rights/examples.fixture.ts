import type { z } from 'zod';
import type { GrantInput, HoldbackSchema, RightsDocumentInput } from './model.js';

const rel = (after: string, days: number) => ({ after, edge: 'start' as const, days });

/**
 * Worked example 1: a film, "Night Signal", acquired from a studio with theatrical dates per
 * region and every later window relative to them: PVOD 17-45 days after theatrical, EST from 45
 * days, SVOD for 18 months from day 120 (exclusive in North America), FAST worldwide from 2029
 * but held back until two years after SVOD opens in each region, free TV in EMEA except France and
 * Germany from 2030.
 */
export function filmWindows(): RightsDocumentInput {
  const regions = [
    ['na', 'NORTH_AMERICA', '2027-03-05'],
    ['emea', 'EMEA', '2027-03-19'],
    ['apac', 'APAC', '2027-03-26'],
    ['latam', 'LATAM', '2027-04-02'],
  ] as const;
  const grants: GrantInput[] = [
    ...regions.flatMap(([key, territories, date]): GrantInput[] => [
      { id: `th-${key}`, media: ['theatrical'], territories, window: { start: date, end: rel(`th-${key}`, 90) } },
      {
        id: `pvod-${key}`,
        media: ['pvod'],
        territories,
        window: { start: rel(`th-${key}`, 17), end: rel(`th-${key}`, 45) },
      },
      { id: `est-${key}`, media: ['est'], territories, window: { start: rel(`th-${key}`, 45) } },
      {
        id: `svod-${key}`,
        media: ['svod'],
        territories,
        exclusive: key === 'na',
        window: { start: rel(`th-${key}`, 120), end: rel(`th-${key}`, 120 + 548) },
      },
    ]),
    { id: 'fast-world', media: ['fast'], territories: 'WORLD', window: { start: '2029-01-01' } },
    {
      id: 'free-tv-emea',
      media: ['free-tv'],
      territories: 'EMEA except FR, DE',
      window: { start: '2030-01-01', end: '2035-01-01' },
    },
  ];
  const holdbacks: z.input<typeof HoldbackSchema>[] = regions.map(([key, territories]) => ({
    id: `no-fast-${key}`,
    media: ['fast'],
    territories,
    window: { end: rel(`svod-${key}`, 730) },
    reason: 'no FAST until two years after SVOD opens',
  }));
  return {
    deals: [
      {
        id: 'northlight-2027',
        direction: 'in',
        licensor: 'Northlight Studios',
        licensee: 'Framewise Media',
        assets: ['night-signal'],
        grants,
        holdbacks,
      },
    ],
  };
}

/**
 * Worked example 2: a series whose music is cleared for broadcast everywhere but for streaming
 * only in some territories, and whose lead's image is cleared for the programme, not for promos.
 */
export function seriesMusic(): RightsDocumentInput {
  return {
    deals: [
      {
        id: 'crossing-s1',
        direction: 'in',
        licensor: 'Harbour Pictures',
        licensee: 'Framewise Media',
        assets: ['crossing-s01e01'],
        grants: [
          {
            id: 'tv-world',
            media: ['free-tv', 'pay-tv', 'catch-up'],
            territories: 'WORLD',
            window: { start: '2026-09-01' },
          },
          { id: 'svod-world', media: ['svod'], territories: 'WORLD', window: { start: '2027-01-01' } },
        ],
      },
    ],
    elements: [
      {
        id: 'cue-low-tide',
        assetId: 'crossing-s01e01',
        versionId: 'crossing-s01e01-tx',
        kind: 'music',
        name: 'Low Tide theme',
        rate: '25',
        in: '10:12:03:10',
        out: '10:13:40:02',
        clearances: [
          { media: ['free-tv', 'pay-tv', 'basic-tv', 'catch-up'], territories: 'WORLD' },
          { media: ['svod'], territories: 'GB, IE, US, CA' },
        ],
      },
      {
        id: 'talent-ada',
        assetId: 'crossing-s01e01',
        versionId: 'crossing-s01e01-tx',
        kind: 'talent',
        name: 'Ada Byrne (image)',
        rate: '25',
        in: '10:00:00:00',
        out: '10:46:30:00',
        clearances: [{ territories: 'WORLD', uses: ['program'] }],
        whenNotCleared: 'block',
      },
    ],
  };
}
