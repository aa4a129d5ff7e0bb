/**
 * AV1 HDR10 rungs: SVT-AV1 carries the source's ST 2086 mastering display and MaxCLL/MaxFALL
 * (checked in the output's decoded frames and at the start of every HLS segment); an encoder
 * that would drop them (libaom-av1, librav1e with ffmpeg 5.1) is passed over or refused with a
 * typed error. The refusal is justified by the oracle: libaom-av1 really drops the metadata here.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import HLS from 'hls-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFramewiseError } from '../../src/errors/index.js';
import {
  ffmpegCapabilities,
  type LadderTemplateInput,
  packageLadder,
  planLadder,
  probe,
  runLadder,
  svtAv1MasterDisplay,
} from '../../src/transcode/index.js';
import { firstFrameSideData, generate, videoPackets, videoStream } from './sources.js';

let dir = '';
let source = '';
let plainPq = '';
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'framewise-adversarial-av1-'));
  const hevc = (name: string, extra: string) =>
    generate(join(dir, name), [
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=320x180:rate=25:duration=3',
      '-c:v',
      'libx265',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p10le',
      '-x265-params',
      `log-level=error:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc${extra}`,
      '-color_primaries',
      'bt2020',
      '-color_trc',
      'smpte2084',
      '-colorspace',
      'bt2020nc',
      '-tag:v',
      'hvc1',
    ]);
  [source, plainPq] = await Promise.all([
    hevc(
      'hdr10.mp4',
      ':hdr10=1:repeat-headers=1:master-display=G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(40000000,50):max-cll=1100,180',
    ),
    hevc('pq-no-metadata.mp4', ''),
  ]);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rung = (encoders?: string[]): LadderTemplateInput => ({
  name: 'av1-hdr',
  video: [
    {
      name: 'av1-pq',
      codec: 'av1',
      height: 180,
      bitRate: 300_000,
      dynamicRange: 'hdr10',
      ...(encoders ? { encoders } : {}),
    },
  ],
  audio: [],
  segmentSeconds: 1,
});

/** Mastering display and content light level of the first frame, as numbers. */
function hdr10Of(file: string) {
  const side = firstFrameSideData(file);
  const f = (v: unknown) => {
    const [a, b] = String(v).split('/').map(Number) as [number, number];
    return a / (b ?? 1);
  };
  const m = side.find((s) => s.side_data_type === 'Mastering display metadata');
  const c = side.find((s) => s.side_data_type === 'Content light level metadata');
  return {
    mastering:
      m && [m.red_x, m.red_y, m.green_x, m.green_y, m.blue_x, m.blue_y, m.white_point_x, m.white_point_y].map(f),
    luminance: m && [f(m.max_luminance), f(m.min_luminance)],
    light: c && [Number(c.max_content), Number(c.max_average)],
  };
}

function expectSourceMetadata(file: string, label: string) {
  const got = hdr10Of(file);
  const primaries = [0.68, 0.32, 0.265, 0.69, 0.15, 0.06, 0.3127, 0.329];
  expect(got.mastering, label).toHaveLength(8);
  for (const [i, v] of (got.mastering ?? []).entries())
    expect(v, `${label} chromaticity ${i}`).toBeCloseTo(primaries[i] as number, 3);
  expect(got.luminance?.[0], label).toBeCloseTo(4000, 0);
  expect(got.luminance?.[1], label).toBeCloseTo(0.005, 3);
  expect(got.light, label).toEqual([1100, 180]);
}

describe('AV1 HDR10 rungs', () => {
  it('SVT-AV1 (the default AV1 encoder) carries ST 2086 and MaxCLL into the output and every HLS segment', async () => {
    const probed = await probe(source);
    const plan = planLadder(probed.technical, rung(), { capabilities: await ffmpegCapabilities() });
    expect(plan.video[0]).toMatchObject({ encoder: 'libsvtav1', pixelFormat: 'yuv420p10le' });
    const ladder = await runLadder(source, plan, join(dir, 'svt'), { preset: 'ultrafast', probed });
    const out = ladder.outputs[0]?.path as string;
    expect(videoStream(out)).toMatchObject({
      codec_name: 'av1',
      color_primaries: 'bt2020',
      color_transfer: 'smpte2084',
      color_space: 'bt2020nc',
    });
    expectSourceMetadata(out, 'rung');
    const hls = await packageLadder(ladder.outputs, 'hls', join(dir, 'svt-hls'), { segmentSeconds: 1 });
    const master = HLS.parse(readFileSync(join(hls.directory, hls.manifest), 'utf8')) as HLS.types.MasterPlaylist;
    expect(master.variants[0]?.videoRange).toBe('PQ');
    expect(master.variants[0]?.codecs).toMatch(/^av01\.0\.\d\dM\.10\.0\.11[0-2]\.09\.16\.09\.0$/);
    // (the long form: PQ named, not the BT.709 the short form implies)
    const media = HLS.parse(
      readFileSync(join(hls.directory, master.variants[0]?.uri as string), 'utf8'),
    ) as HLS.types.MediaPlaylist;
    expect(media.segments).toHaveLength(3);
    for (const segment of media.segments) {
      const joined = join(dir, 'joined.mp4');
      writeFileSync(
        joined,
        Buffer.concat([
          readFileSync(join(hls.directory, segment.map?.uri as string)),
          readFileSync(join(hls.directory, segment.uri)),
        ]),
      );
      expect(videoPackets(joined)[0]?.key, segment.uri).toBe(true);
      expectSourceMetadata(joined, segment.uri);
    }
  }, 240_000);

  it('an encoder that would drop the metadata is passed over, with the decision recorded', async () => {
    const probed = await probe(source);
    const plan = planLadder(probed.technical, rung(['libaom-av1', 'libsvtav1']), {
      capabilities: await ffmpegCapabilities(),
    });
    expect(plan.video[0]?.encoder).toBe('libsvtav1');
    expect(plan.decisions.join('\n')).toMatch(/libsvtav1, not libaom-av1/);
  }, 60_000);

  it('with only such encoders the rung is refused with UNSUPPORTED naming it, not encoded without metadata', async () => {
    const probed = await probe(source);
    for (const encoders of [['libaom-av1'], ['librav1e', 'libaom-av1']]) {
      let error: unknown;
      try {
        planLadder(probed.technical, rung(encoders), { capabilities: await ffmpegCapabilities() });
      } catch (e) {
        error = e;
      }
      expect(isFramewiseError(error) && error.code).toBe('UNSUPPORTED');
      expect((error as Error).message).toMatch(/"av1-pq".*HDR10/);
      // Without capabilities too (plan-time only): the refusal does not depend on probing ffmpeg.
      expect(() => planLadder(probed.technical, rung(encoders))).toThrow(/HDR10/);
    }
    // A PQ source without static metadata has nothing to lose: libaom-av1 is fine.
    const plain = await probe(plainPq);
    expect(plain.technical.video[0]?.masteringDisplay).toBeUndefined();
    expect(planLadder(plain.technical, rung(['libaom-av1'])).video[0]?.encoder).toBe('libaom-av1');
  }, 60_000);

  it('oracle: libaom-av1 in this ffmpeg really drops the HDR10 metadata (why it is refused)', async () => {
    const out = await generate(join(dir, 'aom.mp4'), [
      '-i',
      source,
      '-frames:v',
      '5',
      '-c:v',
      'libaom-av1',
      '-cpu-used',
      '8',
      '-row-mt',
      '1',
      '-b:v',
      '200k',
      '-pix_fmt',
      'yuv420p10le',
    ]);
    expect(hdr10Of(out)).toEqual({ mastering: undefined, luminance: undefined, light: undefined });
  }, 120_000);

  it("svtAv1MasterDisplay writes SVT-AV1's decimal syntax", () => {
    expect(
      svtAv1MasterDisplay({
        red: { x: 0.68, y: 0.32 },
        green: { x: 0.265, y: 0.69 },
        blue: { x: 0.15, y: 0.06 },
        whitePoint: { x: 0.3127, y: 0.329 },
        maxLuminance: 4000,
        minLuminance: 0.005,
      }),
    ).toBe('G(0.265,0.69)B(0.15,0.06)R(0.68,0.32)WP(0.3127,0.329)L(4000,0.005)');
  });
});
