import { describe, expect, it } from 'vitest';
import { isFramewiseError } from '../errors/index.js';
import { checkIngestName, checkIngestPath } from './source-name.js';

const refused = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return isFramewiseError(error, 'INVALID_INPUT');
  }
  return false;
};

describe('ingest names', () => {
  it('refuses traversal, control and bidirectional characters, protocols and separators', () => {
    for (const path of [
      '../etc/passwd',
      '/drop/../../etc/passwd',
      'drop\\..\\x.mxf',
      '/drop/clip\u0007.mxf',
      '/drop/clip\n.mxf',
      '/drop/evil\u202egpj.mxf',
      'concat:/a|/b',
      'pipe:0',
      '',
    ])
      expect(
        refused(() => checkIngestPath(path)),
        JSON.stringify(path),
      ).toBe(true);
    for (const name of ['a/b.mxf', '..', '.', 'x\u0000y', 'clip.mxf.partial', 'a\\b', 'x'.repeat(300)])
      expect(
        refused(() => checkIngestName(name)),
        JSON.stringify(name),
      ).toBe(true);
  });

  it('keeps ordinary names, and makes a leading dash safe for ffmpeg', () => {
    expect(checkIngestPath('/drop/A001C003_230101.mov')).toBe('/drop/A001C003_230101.mov');
    expect(checkIngestPath('-y.mov')).toBe('./-y.mov');
    expect(checkIngestName('Épisode 1 – “final”.mxf')).toBe('Épisode 1 – “final”.mxf');
  });
});
