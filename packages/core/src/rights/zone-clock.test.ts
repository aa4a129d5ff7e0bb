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
  }, 60_000); // luxon (ICU) is slow on a loaded machine

  it('is exact at DST transitions', () => {
    const london = new ZoneClock('Europe/London');
    const change = Date.parse('2026-03-29T01:00:00Z');
    expect(london.offset(change - 1)).toBe(0);
    expect(london.offset(change)).toBe(3_600_000);
  });

  it('maps wall times back to instants: the earlier one when repeated, shifted forward in a gap', () => {
    for (const zone of ZONES) {
      const clock = new ZoneClock(zone);
      const offset = (ms: number) => DateTime.fromMillis(ms, { zone }).offset * 60_000;
      fc.assert(
        fc.property(fc.integer({ min: Date.parse('2000-01-01'), max: Date.parse('2040-01-01') }), (localMs) => {
          const got = clock.fromLocal(localMs);
          // Every instant whose wall time (per luxon's offsets) is this one.
          const candidates = [...new Set([-14, -2, 0, 2, 14].map((h) => localMs - offset(localMs + h * 3_600_000)))];
          const valid = candidates.filter((t) => t + offset(t) === localMs);
          if (valid.length > 0) {
            expect(got).toBe(Math.min(...valid));
          } else {
            // A wall time skipped by a clock change: moved forward by the gap, as luxon does.
            expect(got).toBe(
              DateTime.fromMillis(localMs, { zone: 'utc' }).setZone(zone, { keepLocalTime: true }).toMillis(),
            );
          }
        }),
        { numRuns: 300 },
      );
    }
  }, 60_000); // luxon (ICU) is slow on a loaded machine

  it('takes the earlier instant of a repeated wall time (Sydney, 2 April 2006)', () => {
    const sydney = new ZoneClock('Australia/Sydney');
    // 02:30 happened twice that night: at 15:30Z (daylight time) and 16:30Z (standard time).
    expect(new Date(sydney.fromLocal(Date.parse('2006-04-02T02:30:00Z'))).toISOString()).toBe(
      '2006-04-01T15:30:00.000Z',
    );
  });

  it('refuses an unknown zone', () => {
    expect(() => new ZoneClock('Mars/Olympus')).toThrow(/"Mars\/Olympus" is not an IANA zone/);
  });
});
