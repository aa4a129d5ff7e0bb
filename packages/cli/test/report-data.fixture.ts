import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { QcReport } from '@framewise/core/qc';
import { createRightsEngine } from '@framewise/core/rights';
import { type ReportData, rightsTimeline } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The demo's rights document (Night Signal). */
export const DEALS = join(here, '..', '..', '..', 'examples', 'demo', 'data', 'night-signal-rights.json');

/** A QC report as runQc writes it: 20 s at 25 fps, a loud stretch, black and freeze ranges. */
export function qcReport(file: string): QcReport {
  const momentary: [number, number][] = [];
  const shortTerm: [number, number][] = [];
  for (let i = 0; i <= 200; i++) {
    const t = i / 10;
    const loudBit = t > 8 && t < 12 ? 7 : 0;
    momentary.push([t, -23 + loudBit + Math.sin(t * 3)]);
    shortTerm.push([t, -23 + loudBit * 0.8 + Math.sin(t) * 0.3]);
  }
  const tc = (frames: number) => {
    const s = Math.floor(frames / 25);
    return `10:00:${String(s).padStart(2, '0')}:${String(frames % 25).padStart(2, '0')}`;
  };
  const finding = (
    rule: string,
    severity: 'fail' | 'warn' | 'info',
    start: number,
    duration: number,
    message: string,
    track?: string,
  ) => ({
    rule,
    severity,
    start,
    duration,
    timecodeIn: tc(start),
    timecodeOut: tc(start + duration),
    message,
    ...(track === undefined ? {} : { track }),
  });
  return {
    id: 'qc-1',
    file,
    versionId: 'v1',
    policy: { name: 'broadcast-ebu-r128', version: 1 },
    checkedAt: '2027-07-30T10:00:00.000Z',
    verdict: 'fail',
    rate: { num: 25, den: 1, dropFrame: false },
    startTimecode: '10:00:00:00',
    durationFrames: 500,
    rules: [{ rule: 'loudness.integrated', verdict: 'fail' }],
    findings: [
      finding('loudness.momentary', 'warn', 200, 100, 'Momentary loudness 7 LU above target', 'audio:0'),
      finding('loudness.integrated', 'fail', 0, 500, 'Integrated −21.1 LUFS, target −23 ± 0.5', 'audio:0'),
      finding('video.black', 'warn', 0, 12, 'Black for 12 frames', 'video'),
      finding('video.freeze', 'warn', 400, 50, 'Frozen picture for 2 s', 'video'),
      finding('video.levels', 'info', 310, 0, 'Luma above legal range in 1 % of pixels', 'video'),
    ],
    loudness: [
      {
        track: 'audio:0',
        tracks: [0],
        layout: 'stereo',
        integrated: -21.1,
        range: 6.2,
        truePeak: -0.4,
        threshold: -31,
        momentary,
        shortTerm,
      },
    ],
    sceneCuts: [],
  };
}

/** A full report: QC, the rights of Night Signal, two distribution records, three copies. */
export function reportData(title = 'Night Signal'): ReportData {
  const engine = createRightsEngine(JSON.parse(readFileSync(DEALS, 'utf8')));
  return {
    title,
    assetId: 'harbour-feature',
    versionId: 'v1',
    versionName: 'mezzanine ProRes HQ',
    generatedAt: '2027-08-01T00:00:00.000Z',
    now: '2027-08-01T00:00:00.000Z',
    qc: [
      {
        report: qcReport('/media/night-signal.mov'),
        target: { name: 'EBU R128', integrated: -23, tolerance: 0.5, truePeakMax: -1 },
      },
    ],
    rights: rightsTimeline(engine, 'harbour-feature', {
      territories: ['US', 'GB', 'FR', 'CA'],
      channels: ['svod', 'pvod', 'est'],
      from: '2027-01-01T00:00:00Z',
      to: '2029-12-31T00:00:00Z',
    }),
    distribution: [
      {
        endpointId: 'streamer-us',
        assetId: 'harbour-feature',
        versionId: 'v1',
        state: 'live',
        sunrise: '2027-07-03T00:00:00Z',
        history: [
          { at: '2027-07-01T00:00:00Z', from: 'pending', to: 'queued', event: 'sunrise' },
          { at: '2027-07-01T00:05:00Z', from: 'queued', to: 'submitting', event: 'submit' },
          { at: '2027-07-01T01:00:00Z', from: 'submitting', to: 'live', event: 'poll' },
        ],
      },
      {
        endpointId: 'store-na',
        assetId: 'harbour-feature',
        versionId: 'v1',
        state: 'error-submit',
        lastError: { code: 'AUTH', message: 'token expired' },
        history: [
          { at: '2027-07-02T00:00:00Z', from: 'pending', to: 'submitting', event: 'submit' },
          {
            at: '2027-07-02T00:10:00Z',
            from: 'submitting',
            to: 'error-submit',
            event: 'submit',
            note: 'token expired',
          },
        ],
      },
    ],
    archive: {
      copies: [
        {
          fileKey: 'master',
          locationId: 'studio-disk',
          status: 'verified',
          sizeBytes: 1000,
          verifiedAt: '2027-07-31T00:00:00Z',
        },
        {
          fileKey: 'master',
          locationId: 'studio-object',
          status: 'verified',
          sizeBytes: 1000,
          verifiedAt: '2027-06-01T00:00:00Z',
        },
        { fileKey: 'master', locationId: 'vault-tape', status: 'unverified', sizeBytes: 1000 },
      ],
      locations: [
        { id: 'studio-disk', name: 'Studio SAN', tier: 'online', media: 'disk', site: 'studio' },
        { id: 'studio-object', name: 'Studio object store', tier: 'nearline', media: 'object', site: 'studio' },
        { id: 'vault-tape', name: 'Offsite LTO vault', tier: 'archive', media: 'tape', site: 'vault' },
      ],
    },
  };
}
