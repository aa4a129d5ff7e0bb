import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { ZoneClock } from './zone-clock.js';

const ZONES = [
  'Europe/London',
  'America/New_York',
  'Australia/Sydney',
  'Pacific/Apia',
  'Pacific/Chatham',
  'Asia/Kathmandu',
  'America/Santiago',
  'Africa/Casablanca',
  'Pacific/Pago_Pago',
  'Etc/UTC',
];

describe('ZoneClock', () => {
  it('agrees with luxon on offsets for random instants in every sample zone', () => {
    for (const zone of ZONES) {
      const clock = new ZoneClock(zone);
      fc.assert(
        fc.property(fc.integer({ min: Date.parse('1990-01-01'), max: Date.parse('2060-01-01') }), (ms) => {
          expect(clock.offset(ms)).toBe(DateTime.fromMillis(ms, { zone }).offset * 60_000);
        }),
        { numRuns: 300 },
      );
    }
  });

  it('is exact at DST transitions', () => {
    const london = new ZoneClock('Europe/London');
    const change = Date.parse('2026-03-29T01:00:00Z');
    expect(london.offset(change - 1)).toBe(0);
    expect(london.offset(change)).toBe(3_600_000);
  });

  it('maps local wall times back to instants like luxon, through gaps and overlaps', () => {
    for (const zone of ZONES) {
      const clock = new ZoneClock(zone);
      fc.assert(
        fc.property(fc.integer({ min: Date.parse('2000-01-01'), max: Date.parse('2040-01-01') }), (localMs) => {
          const wall = DateTime.fromMillis(localMs, { zone: 'utc' });
          const expected = wall.setZone(zone, { keepLocalTime: true }).toMillis();
          expect(clock.fromLocal(localMs)).toBe(expected);
        }),
        { numRuns: 300 },
      );
    }
  });

  it('refuses an unknown zone', () => {
    expect(() => new ZoneClock('Mars/Olympus')).toThrow(/"Mars\/Olympus" is not an IANA zone/);
  });
});
