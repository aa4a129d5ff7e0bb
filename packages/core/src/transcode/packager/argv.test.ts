import { describe, expect, it } from 'vitest';
import { isFramewiseError } from '../../errors/index.js';
import { contentKey } from '../drm/content-key.js';
import { packagerArgv } from './argv.js';

const key = contentKey('0123456789abcdef0123456789abcdef', 'ffeeddccbbaa99887766554433221100');
const base = { layout: 'segments' as const, segmentSeconds: 2 };
const video = { input: 'in_0.mp4', stream: 'video' as const, name: 'v1', drmLabel: 'HD' };

describe('packagerArgv', () => {
  it('builds descriptors from plain names, always passes the clear lead, and keeps keys off the argv', () => {
    const argv = packagerArgv({
      ...base,
      streams: [video],
      encryption: { scheme: 'cbcs', keys: new Map([['HD', key]]), systems: ['widevine'], clearLeadSeconds: 0 },
    });
    expect(argv.args[0]).toBe(
      'in=in_0.mp4,stream=video,init_segment=v1_init.mp4,segment_template=v1_$Number$.m4s,playlist_name=v1.m3u8,drm_label=HD',
    );
    expect(argv.args).toContain('--clear_lead');
    expect(argv.args[argv.args.indexOf('--clear_lead') + 1]).toBe('0');
    expect(argv.args.join(' ')).not.toContain(key.key);
    expect(argv.secretFlags).toEqual([`--keys=label=HD:key_id=${key.kid}:key=${key.key}`]);
  });

  it.each([
    ['a name with a comma adding a field', { ...video, name: 'v1,output=/etc/passwd' }],
    ['a name climbing out', { ...video, name: '../v1' }],
    ['an input that is an option', { ...video, input: '-i' }],
    ['a language with a comma', { ...video, language: 'en,drm_label=X' }],
    ['an HLS name with =', { ...video, hlsName: 'a=b' }],
  ])('refuses %s', (_what, stream) => {
    const error = (() => {
      try {
        packagerArgv({ ...base, streams: [stream] });
      } catch (e) {
        return e;
      }
    })();
    expect(isFramewiseError(error, 'INVALID_INPUT')).toBe(true);
  });

  it('refuses FairPlay with cenc, a FairPlay URI that is not a plain skd:// URL, a stream without its key, a negative clear lead', () => {
    const enc = {
      scheme: 'cbcs' as const,
      keys: new Map([['HD', key]]),
      systems: ['fairplay' as const],
      clearLeadSeconds: 0,
    };
    expect(() => packagerArgv({ ...base, streams: [video], encryption: { ...enc, scheme: 'cenc' } })).toThrow(/cbcs/);
    expect(packagerArgv({ ...base, streams: [video], encryption: enc }).args).not.toContain('--hls_key_uri');
    expect(() =>
      packagerArgv({ ...base, streams: [video], encryption: { ...enc, fairplayKeyUri: 'skd://x" --pssh=1' } }),
    ).toThrow(/skd/);
    expect(() =>
      packagerArgv({
        ...base,
        streams: [{ ...video, drmLabel: 'SD' }],
        encryption: { ...enc, fairplayKeyUri: 'skd://k' },
      }),
    ).toThrow(/no key/);
    expect(() =>
      packagerArgv({
        ...base,
        streams: [video],
        encryption: { ...enc, fairplayKeyUri: 'skd://k', clearLeadSeconds: -1 },
      }),
    ).toThrow(/Clear lead/);
  });
});
