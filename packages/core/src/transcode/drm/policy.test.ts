import { describe, expect, it } from 'vitest';
import { isFramewiseError } from '../../errors/index.js';
import { createLocalKeyProvider } from './local-key-provider.js';
import {
  assignTrackKeys,
  keyUsageRules,
  parseDrmPolicy,
  systemsByScheme,
  trackKeyType,
  videoKeyRanges,
} from './policy.js';

const base = { systems: ['widevine', 'playready', 'fairplay'] as const, licenseServerRef: 'lic' };

describe('DRM policy', () => {
  it('keys SD, HD, UHD and audio by pixel count, with the CPIX ranges they export', () => {
    const policy = parseDrmPolicy({ ...base, systems: [...base.systems] });
    const tracks = [
      { kind: 'video' as const, width: 3840, height: 2160 },
      { kind: 'video' as const, width: 1920, height: 1080 },
      { kind: 'video' as const, width: 1280, height: 720 },
      { kind: 'video' as const, width: 720, height: 576 },
      { kind: 'audio' as const },
    ];
    expect(assignTrackKeys(tracks, policy)).toEqual(['uhd', 'hd', 'hd', 'sd', 'audio']);
    expect(videoKeyRanges(policy)).toEqual({
      sd: { maxPixels: 1024 * 576 },
      hd: { minPixels: 1024 * 576 + 1, maxPixels: 1920 * 1080 },
      uhd: { minPixels: 1920 * 1080 + 1 },
    });
    expect(keyUsageRules(policy, ['audio', 'hd', 'sd']).map((r) => r.trackType)).toEqual(['sd', 'hd', 'audio']);
  });

  it('moves the SD/HD split to the non-secure path limit, so a software device can be denied the HD key', () => {
    const policy = parseDrmPolicy({
      ...base,
      systems: ['widevine'],
      outputRestrictions: [
        { deviceClass: 'software', maxHeight: 720 },
        { deviceClass: 'tv', hdcp: '2.2' },
      ],
    });
    expect(trackKeyType({ kind: 'video', width: 1280, height: 720 }, policy)).toBe('sd');
    expect(trackKeyType({ kind: 'video', width: 1920, height: 1080 }, policy)).toBe('hd');
    // A single-key policy puts everything under one key.
    const single = parseDrmPolicy({ ...base, systems: ['widevine'], keys: 'single' });
    expect(new Set(assignTrackKeys([{ kind: 'video', width: 640, height: 360 }, { kind: 'audio' }], single)).size).toBe(
      1,
    );
  });

  it('groups systems by scheme and refuses FairPlay with cenc', () => {
    const mixed = parseDrmPolicy({ ...base, systems: [...base.systems], schemes: { playready: 'cenc' } });
    expect(Object.fromEntries(systemsByScheme(mixed))).toEqual({ cbcs: ['widevine', 'fairplay'], cenc: ['playready'] });
    const error = (() => {
      try {
        parseDrmPolicy({ ...base, systems: ['fairplay'], schemes: { fairplay: 'cenc' as 'cbcs' } });
      } catch (e) {
        return e;
      }
    })();
    expect(isFramewiseError(error, 'INVALID_INPUT')).toBe(true);
  });

  it('the local key provider remembers keys per content id and track type, and refuses to invent in fixedOnly mode', async () => {
    const p = createLocalKeyProvider();
    const a = await p.contentKeys({ contentId: 't1', trackTypes: ['hd', 'audio'], scheme: 'cbcs' });
    const b = await p.contentKeys({ contentId: 't1', trackTypes: ['hd'], scheme: 'cbcs' });
    const c = await p.contentKeys({ contentId: 't2', trackTypes: ['hd'], scheme: 'cbcs' });
    expect(b.get('hd')).toBe(a.get('hd'));
    expect(c.get('hd')?.kid).not.toBe(a.get('hd')?.kid);
    expect(a.get('hd')?.kid).not.toBe(a.get('audio')?.kid);
    const fixed = createLocalKeyProvider({ fixedOnly: true });
    await expect(fixed.contentKeys({ contentId: 't', trackTypes: ['sd'], scheme: 'cenc' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(() => createLocalKeyProvider({ keys: { hd: { kid: 'zz', key: 'zz' } } })).toThrow(/kid/);
  });
});
