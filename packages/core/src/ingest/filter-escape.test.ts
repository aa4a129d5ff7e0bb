import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeGraphLevel, escapeOptionValue, filterValue } from './filter-escape.js';

/**
 * An independent model of ffmpeg's `av_get_token` (libavutil/avstring.c), written from its source:
 * leading whitespace is skipped; outside quotes `\x` is `x`; `'…'` is literal up to the next `'`;
 * a character of `term` ends the token; trailing whitespace that was neither escaped nor quoted is
 * trimmed.
 */
function avGetToken(input: string, term: string): { token: string; rest: string } {
  const WS = ' \n\t\r';
  let i = 0;
  while (i < input.length && WS.includes(input[i] as string)) i++;
  let out = '';
  let end = 0;
  while (i < input.length && !term.includes(input[i] as string)) {
    const c = input[i++] as string;
    if (c === '\\' && i < input.length) {
      out += input[i++];
      end = out.length;
    } else if (c === "'") {
      while (i < input.length && input[i] !== "'") out += input[i++];
      if (i < input.length) {
        i++;
        end = out.length;
      }
    } else out += c;
  }
  while (out.length > end && WS.includes(out[out.length - 1] as string)) out = out.slice(0, -1);
  return { token: out, rest: input.slice(i) };
}

describe('filter graph escaping', () => {
  it('survives both parse levels unchanged, for any text (model of av_get_token)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 60 }).filter((s) => !s.includes('\u0000')),
        (value) => {
          const args = `k=${filterValue(value)}:next=1`;
          const graph = avGetToken(args, '[],;');
          expect(graph.rest).toBe('');
          const option = avGetToken(graph.token.slice(2), ':');
          expect(option.token).toBe(value);
          expect(option.rest).toBe(':next=1');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('escapes each level', () => {
    expect(escapeOptionValue("a:b'c\\d")).toBe("a\\:b\\'c\\\\d");
    expect(escapeGraphLevel('a[b],c;d')).toBe('a\\[b\\]\\,c\\;d');
    expect(() => filterValue('a\u0000b')).toThrow(RangeError);
  });

  it('real ffmpeg reads adversarial values back exactly (metadata add → print)', () => {
    const values = [
      "it's: a \\ test",
      '%{pts\\:hms} %{eif\\:n\\:d}',
      "'; drawtext=text=pwned [out]",
      'a,b;c[d]e',
      'O\'Brien: "Part 2" — 10:00:00;00',
      '\\\\server\\share\\clip.mxf',
      'ends with backslash \\',
      "''",
      '  padded on both sides  ',
    ];
    const chain = values.map((v, i) => `metadata=mode=add:key=k${i}:value=${filterValue(v)}`).join(',');
    const run = spawnSync(
      'ffmpeg',
      [
        '-hide_banner',
        '-nostdin',
        '-f',
        'lavfi',
        '-i',
        'color=c=black:s=16x16:d=0.04',
        '-vf',
        `${chain},metadata=mode=print`,
        '-f',
        'null',
        '-',
      ],
      { encoding: 'utf8' },
    );
    expect(run.status, run.stderr.slice(-2000)).toBe(0);
    values.forEach((v, i) => {
      const line = run.stderr.split('\n').find((l) => l.includes(`] k${i}=`));
      expect(line, `value ${i}`).toBeDefined();
      expect(line?.slice((line?.indexOf(`] k${i}=`) ?? 0) + `] k${i}=`.length)).toBe(v);
    });
  });
});
