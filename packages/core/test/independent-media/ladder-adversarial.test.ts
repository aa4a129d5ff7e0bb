/**
 * Independent tests of the transcode side (ladder, probe, HDR, interlace, manifests) on sources
 * generated here from the ffmpeg documentation, checked with ffprobe, idet, a decoded-picture
 * oracle and real manifest parsers rather than with Framewise's own readings.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import HLS from 'hls-parser';
import { parse as parseMpd } from 'mpd-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  analyseScan,
  ffmpegCapabilities,
  type LadderTemplateInput,
  packageLadder,
  planLadder,
  probe,
  runLadder,
} from '../../src/transcode/index.js';
import {
  barCentroids,
  ffprobeJson,
  firstFrameSideData,
  generate,
  idetCounts,
  movingBarGraph,
  toneLevelDb,
  videoPackets,
  videoStream,
} from './sources.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'framewise-adversarial-ladder-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const template = (
  video: LadderTemplateInput['video'],
  extra: Partial<LadderTemplateInput> = {},
): LadderTemplateInput => ({
  name: 'adversarial',
  video,
  audio: [],
  segmentSeconds: 1,
  ...extra,
});

const fraction = (text: unknown) => {
  const [a, b] = String(text).split('/').map(Number) as [number, number];
  return a / (b ?? 1);
};

describe('interlaced sources', () => {
  it('1080i25 TFF H.264 with real motion: combing gone (idet), stream flagged progressive, 25p kept', async () => {
    const source = await generate(join(dir, 'i25.mov'), [
      '-filter_complex',
      movingBarGraph(1920, 1080, '50', 1, 'tff', 900),
      '-map',
      '[v]',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-x264-params',
      'interlaced=1:tff=1',
      '-pix_fmt',
      'yuv420p',
    ]);
    const before = idetCounts(source);
    expect(before.tff).toBeGreaterThan(20); // the oracle sees the combing in the source
    const probed = await probe(source);
    const plan = planLadder(probed.technical, template([{ name: 'full', codec: 'h264', height: 1080, bitRate: 2e6 }]));
    const { outputs } = await runLadder(source, plan, join(dir, 'i25-out'), { preset: 'ultrafast', probed });
    const out = outputs[0]?.path as string;
    const after = idetCounts(out);
    expect(after.progressive).toBeGreaterThan(20);
    expect(after.tff + after.bff).toBeLessThanOrEqual(2);
    const stream = videoStream(out);
    expect(stream.field_order ?? 'progressive').toBe('progressive');
    expect(fraction(stream.r_frame_rate)).toBe(25);
    // The bar moves at 900 px/s: each output frame is one instant, the bar advances 36 px a frame.
    const xs = barCentroids(out);
    const steps = xs.slice(1).map((x, i) => x - (xs[i] as number));
    for (const s of steps) expect(s).toBeGreaterThan(0);
  }, 180_000);

  it('29.97i BFF DV at field rate: 59.94p whose motion never steps back (right field order)', async () => {
    const source = await generate(join(dir, 'i30bff.mov'), [
      '-filter_complex',
      movingBarGraph(720, 480, '60000/1001', 1, 'bff', 300),
      '-map',
      '[v]',
      '-c:v',
      'dvvideo',
      '-pix_fmt',
      'yuv411p',
    ]);
    expect(idetCounts(source).bff).toBeGreaterThan(20);
    const probed = await probe(source);
    expect(probed.technical.video[0]?.scan).toEqual({ type: 'interlaced', fieldOrder: 'bff' });
    const plan = planLadder(
      probed.technical,
      template([{ name: 'sd', codec: 'h264', height: 480, bitRate: 1e6 }], { deinterlace: 'field' }),
    );
    expect(plan.frameRate).toMatchObject({ num: 60000, den: 1001 });
    expect(plan.video[0]?.gopFrames).toBe(60);
    const { outputs } = await runLadder(source, plan, join(dir, 'i30-out'), { preset: 'ultrafast', probed });
    const out = outputs[0]?.path as string;
    expect(fraction(videoStream(out).r_frame_rate)).toBeCloseTo(60000 / 1001, 6);
    const xs = barCentroids(out).filter((x) => !Number.isNaN(x));
    expect(xs.length).toBeGreaterThanOrEqual(56);
    // 300 px/s at 59.94 fields/s: about 5 px (of 720) a frame, always forward. A deinterlacer that
    // takes the fields in the wrong order makes every other step go backwards.
    const steps = xs.slice(1).map((x, i) => x - (xs[i] as number));
    expect(steps.filter((s) => s <= 0)).toEqual([]);
  }, 180_000);

  it('telecined 23.976 in BFF 29.97 MPEG-2/MXF: 3:2 found, film frames recovered at 23.976', async () => {
    const source = await generate(join(dir, 'tc-bff.mxf'), [
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=352x240:rate=24000/1001:duration=2',
      '-vf',
      'telecine=first_field=bottom:pattern=23,setfield=bff',
      '-c:v',
      'mpeg2video',
      '-b:v',
      '6M',
      '-flags',
      '+ilme+ildct',
      '-top',
      '0',
    ]);
    const scan = await analyseScan(source);
    expect(scan).toMatchObject({ scan: 'telecined', fieldOrder: 'bff' });
    const probed = await probe(source);
    const plan = planLadder(probed.technical, template([{ name: 'film', codec: 'h264', height: 240, bitRate: 8e5 }]), {
      scan,
    });
    expect(plan.frameRate).toMatchObject({ num: 24000, den: 1001 });
    const { outputs } = await runLadder(source, plan, join(dir, 'tc-out'), { preset: 'ultrafast', probed });
    const out = outputs[0]?.path as string;
    expect(videoPackets(out)).toHaveLength(48);
    const psnr = execFileSync(
      'sh',
      [
        '-c',
        'ffmpeg -hide_banner -nostats -i "$1" -f lavfi -i testsrc2=size=352x240:rate=24000/1001:duration=2 -lavfi "[0:v]setpts=PTS-STARTPTS[a];[1:v]setpts=PTS-STARTPTS[b];[a][b]psnr" -f null - 2>&1 | grep -o "average:[0-9.inf]*"',
        'sh',
        out,
      ],
      { encoding: 'utf8' },
    );
    expect(Number.parseFloat(psnr.replace('average:', ''))).toBeGreaterThan(28);
  }, 180_000);
});

/** ST 2086 of a P3-D65 4000-nit display, and MaxCLL/MaxFALL 1100/180, in x265's units. */
const MASTER = 'G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(40000000,50)';

async function hdrSource(name: string, transfer: 'smpte2084' | 'arib-std-b67', seconds = 3): Promise<string> {
  const hdr10 = transfer === 'smpte2084' ? `:master-display=${MASTER}:max-cll=1100,180:hdr10=1` : '';
  return generate(join(dir, name), [
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=320x180:rate=25:duration=${seconds}`,
    '-c:v',
    'libx265',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p10le',
    '-x265-params',
    `log-level=error:colorprim=bt2020:transfer=${transfer}:colormatrix=bt2020nc:repeat-headers=1${hdr10}`,
    '-color_primaries',
    'bt2020',
    '-color_trc',
    transfer,
    '-colorspace',
    'bt2020nc',
    '-tag:v',
    'hvc1',
  ]);
}

function masteringOf(side: Record<string, unknown>[]) {
  const m = side.find((s) => s.side_data_type === 'Mastering display metadata');
  const c = side.find((s) => s.side_data_type === 'Content light level metadata');
  return {
    mastering:
      m === undefined
        ? undefined
        : {
            red: [fraction(m.red_x), fraction(m.red_y)],
            green: [fraction(m.green_x), fraction(m.green_y)],
            blue: [fraction(m.blue_x), fraction(m.blue_y)],
            white: [fraction(m.white_point_x), fraction(m.white_point_y)],
            max: fraction(m.max_luminance),
            min: fraction(m.min_luminance),
          },
    light: c === undefined ? undefined : { maxCll: Number(c.max_content), maxFall: Number(c.max_average) },
  };
}

describe('HDR', () => {
  it('HDR10 HEVC: the HDR10 rungs carry ST 2086 and MaxCLL in every segment, the SDR rung is tone-mapped BT.709; HLS says PQ/SDR, DASH is valid', async () => {
    const source = await hdrSource('hdr10.mp4', 'smpte2084');
    const expected = {
      mastering: {
        red: [0.68, 0.32],
        green: [0.265, 0.69],
        blue: [0.15, 0.06],
        white: [0.3127, 0.329],
        max: 4000,
        min: 0.005,
      },
      light: { maxCll: 1100, maxFall: 180 },
    };
    expect(masteringOf(firstFrameSideData(source))).toEqual(expected); // the oracle reads the source
    const probed = await probe(source);
    const plan = planLadder(
      probed.technical,
      template([
        { name: 'pq-180', codec: 'hevc', height: 180, bitRate: 4e5, dynamicRange: 'hdr10' },
        { name: 'pq-90', codec: 'hevc', height: 90, bitRate: 2e5, dynamicRange: 'hdr10' },
        { name: 'sdr-180', codec: 'h264', height: 180, bitRate: 3e5 },
        { name: 'hlg-180', codec: 'hevc', height: 180, bitRate: 3e5, dynamicRange: 'hlg' },
      ]),
      { capabilities: await ffmpegCapabilities() },
    );
    expect(plan.skipped.map((s) => s.name)).toEqual(['hlg-180']);
    const ladder = await runLadder(source, plan, join(dir, 'hdr10-out'), { preset: 'ultrafast', probed });
    for (const name of ['pq-180', 'pq-90']) {
      const out = ladder.outputs.find((o) => o.name === name)?.path as string;
      expect(masteringOf(firstFrameSideData(out)), name).toEqual(expected);
      expect(videoStream(out)).toMatchObject({
        color_primaries: 'bt2020',
        color_transfer: 'smpte2084',
        color_space: 'bt2020nc',
        pix_fmt: 'yuv420p10le',
      });
    }
    const sdr = ladder.outputs.find((o) => o.name === 'sdr-180')?.path as string;
    expect(videoStream(sdr)).toMatchObject({
      color_primaries: 'bt709',
      color_transfer: 'bt709',
      color_space: 'bt709',
      pix_fmt: 'yuv420p',
    });
    expect(masteringOf(firstFrameSideData(sdr))).toEqual({ mastering: undefined, light: undefined });
    // Tone-mapped, not relabelled: close to an independent zscale+tonemap of the source, far from
    // the PQ code values shown as BT.709.
    const psnrAgainst = (reference: string) => {
      const text = execFileSync(
        'sh',
        [
          '-c',
          `ffmpeg -hide_banner -nostats -i "$1" -i "$2" -lavfi "[1:v]${reference},format=yuv420p[r];[0:v]format=yuv420p[o];[o][r]psnr" -f null - 2>&1 | grep -o "y:[0-9.inf]*" | tail -1`,
          'sh',
          sdr,
          source,
        ],
        { encoding: 'utf8' },
      );
      return Number.parseFloat(text.replace('y:', ''));
    };
    const toneMapped = psnrAgainst(
      'zscale=transfer=linear:npl=100,format=gbrpf32le,zscale=primaries=bt709,tonemap=hable:desat=0,zscale=transfer=bt709:matrix=bt709:range=tv',
    );
    const relabelled = psnrAgainst('null');
    expect(toneMapped).toBeGreaterThan(32);
    expect(toneMapped).toBeGreaterThan(relabelled + 6);

    const hls = await packageLadder(ladder.outputs, 'hls', join(dir, 'hdr10-hls'), { segmentSeconds: 1 });
    const master = HLS.parse(readFileSync(join(hls.directory, hls.manifest), 'utf8')) as HLS.types.MasterPlaylist;
    const ranges = Object.fromEntries(master.variants.map((v) => [v.resolution?.height, v.videoRange]));
    expect(master.variants.map((v) => v.videoRange).sort()).toEqual(['PQ', 'PQ', 'SDR']);
    expect(ranges[90]).toBe('PQ');
    // Every HDR10 segment starts with an IDR carrying the HDR10 SEI (a player may start anywhere).
    for (const variant of master.variants.filter((v) => v.videoRange === 'PQ')) {
      const media = HLS.parse(readFileSync(join(hls.directory, variant.uri), 'utf8')) as HLS.types.MediaPlaylist;
      expect(media.segments.length).toBe(3);
      for (const segment of media.segments) {
        expect(segment.duration).toBeCloseTo(1, 3);
        const joined = join(dir, 'joined.mp4');
        writeFileSync(
          joined,
          Buffer.concat([
            readFileSync(join(hls.directory, segment.map?.uri as string)),
            readFileSync(join(hls.directory, segment.uri)),
          ]),
        );
        expect(videoPackets(joined)[0]?.key, segment.uri).toBe(true);
        expect(masteringOf(firstFrameSideData(joined)), segment.uri).toEqual(expected);
      }
    }

    const dash = await packageLadder(ladder.outputs, 'dash', join(dir, 'hdr10-dash'), { segmentSeconds: 1 });
    const mpdText = readFileSync(join(dash.directory, dash.manifest), 'utf8');
    execFileSync('xmllint', ['--noout', join(dash.directory, dash.manifest)]);
    const mpd = parseMpd(mpdText, { manifestUri: 'https://example.invalid/manifest.mpd' });
    expect(mpd.playlists).toHaveLength(3);
    for (const p of mpd.playlists) {
      const total = p.segments.reduce((s, x) => s + x.duration, 0);
      expect(total).toBeCloseTo(3, 3);
      for (const s of p.segments) expect(s.duration).toBeCloseTo(1, 3);
    }
    expect(mpdText).toMatch(/mediaPresentationDuration="PT3(\.0+)?S"/);
    // CICP colour signalling: transfer 16 (PQ) on the HDR10 representations, 1 on the SDR one.
    const transfers = [...mpdText.matchAll(/TransferCharacteristics" value="(\d+)"/g)].map((m) => m[1]).sort();
    expect(transfers).toEqual(['1', '16', '16']);
  }, 300_000);

  it('HLG HEVC: HLG rung tagged HLG (VIDEO-RANGE=HLG), HDR10 rung refused as skipped, SDR rung tone-mapped', async () => {
    const source = await hdrSource('hlg.mp4', 'arib-std-b67', 2);
    const probed = await probe(source);
    expect(probed.technical.video[0]).toMatchObject({ transfer: 'arib-std-b67', hdrFormat: 'hlg' });
    const plan = planLadder(
      probed.technical,
      template([
        { name: 'hlg', codec: 'hevc', height: 180, bitRate: 3e5, dynamicRange: 'hlg' },
        { name: 'pq', codec: 'hevc', height: 180, bitRate: 3e5, dynamicRange: 'hdr10' },
        { name: 'sdr', codec: 'h264', height: 180, bitRate: 3e5 },
      ]),
    );
    expect(plan.skipped).toEqual([{ name: 'pq', reason: expect.stringMatching(/hdr10.*source is hlg/) }]);
    const ladder = await runLadder(source, plan, join(dir, 'hlg-out'), { preset: 'ultrafast', probed });
    const hlg = ladder.outputs.find((o) => o.name === 'hlg')?.path as string;
    expect(videoStream(hlg)).toMatchObject({ color_transfer: 'arib-std-b67', color_primaries: 'bt2020' });
    const sdr = ladder.outputs.find((o) => o.name === 'sdr')?.path as string;
    expect(videoStream(sdr)).toMatchObject({ color_transfer: 'bt709', color_primaries: 'bt709', pix_fmt: 'yuv420p' });
    const hls = await packageLadder(ladder.outputs, 'hls', join(dir, 'hlg-hls'), { segmentSeconds: 1 });
    const master = HLS.parse(readFileSync(join(hls.directory, hls.manifest), 'utf8')) as HLS.types.MasterPlaylist;
    expect(master.variants.map((v) => v.videoRange).sort()).toEqual(['HLG', 'SDR']);
  }, 240_000);
});

describe('other sources', () => {
  it('ProRes 4444 with alpha: probe says alpha (ffprobe and MediaInfo agree); the ladder writes opaque 4:2:0', async () => {
    const source = await generate(join(dir, 'alpha.mov'), [
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=320x240:rate=25:duration=1,format=yuva444p10le,geq=lum=p(X\\,Y):cb=cb(X\\,Y):cr=cr(X\\,Y):a=X/W*1023',
      '-c:v',
      'prores_ks',
      '-profile:v',
      '4444',
      '-pix_fmt',
      'yuva444p10le',
    ]);
    expect(String(videoStream(source).pix_fmt)).toMatch(/^yuva444p/);
    const mediainfo = JSON.parse(execFileSync('mediainfo', ['--Output=JSON', source], { encoding: 'utf8' }));
    const mi = mediainfo.media.track.find((t: Record<string, string>) => t['@type'] === 'Video');
    expect(mi.ChromaSubsampling).toMatch(/4:4:4/);
    const probed = await probe(source);
    expect(probed.technical.video[0]?.alpha).toBe(true);
    const opaque = await generate(join(dir, 'opaque.mov'), [
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=320x240:rate=25:duration=1',
      '-c:v',
      'prores_ks',
      '-profile:v',
      '4444',
      '-pix_fmt',
      'yuv444p10le',
    ]);
    expect((await probe(opaque)).technical.video[0]?.alpha ?? false).toBe(false);
    const plan = planLadder(probed.technical, template([{ name: 'a', codec: 'h264', height: 240, bitRate: 5e5 }]));
    const { outputs } = await runLadder(source, plan, join(dir, 'alpha-out'), { preset: 'ultrafast', probed });
    expect(videoStream(outputs[0]?.path as string)).toMatchObject({ pix_fmt: 'yuv420p', width: 320, height: 240 });
  }, 120_000);

  it('rotated (rotate=270 tag) VFR phone clip: portrait rungs, constant rate, a key frame exactly at every segment start', async () => {
    const coded = await generate(join(dir, 'phone-coded.mp4'), [
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=320x180:rate=30:duration=3',
      // Irregular frame times: each frame shifted by up to ±12 ms (kept by a 90 kHz time base).
      '-vf',
      "select='not(eq(mod(n\\,7)\\,3))',settb=1/90000,setpts='floor((N/30+0.012*sin(N*1.7))*90000)'",
      '-vsync',
      'passthrough',
      '-enc_time_base',
      '1/90000',
      '-video_track_timescale',
      '90000',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
    ]);
    const source = await generate(join(dir, 'phone.mp4'), ['-i', coded, '-c', 'copy', '-metadata:s:v:0', 'rotate=270']);
    const display = (
      ffprobeJson(source, ['-select_streams', 'v:0', '-show_streams']).streams as Record<string, unknown>[]
    )[0]?.side_data_list as Record<string, unknown>[];
    // ffprobe gives the matrix's counter-clockwise angle; ffmpeg's autorotation turns by its negation.
    const clockwise = ((-Number(display?.[0]?.rotation) % 360) + 360) % 360;
    expect([90, 270]).toContain(clockwise);
    const probed = await probe(source);
    expect(probed.technical.video[0]).toMatchObject({ rotation: clockwise, variableFrameRate: true });
    const plan = planLadder(probed.technical, template([{ name: 'p', codec: 'h264', height: 320, bitRate: 5e5 }]));
    expect(plan.video[0]).toMatchObject({ width: 180, height: 320 });
    const { outputs } = await runLadder(source, plan, join(dir, 'phone-out'), { preset: 'ultrafast', probed });
    const out = outputs[0]?.path as string;
    const stream = videoStream(out);
    expect([stream.width, stream.height]).toEqual([180, 320]);
    // Rotated in the pixels: no display matrix left to turn it again.
    const side = (ffprobeJson(out, ['-select_streams', 'v:0', '-show_streams']).streams as Record<string, unknown>[])[0]
      ?.side_data_list as Record<string, unknown>[] | undefined;
    expect((side ?? []).filter((s) => Number(s.rotation ?? 0) !== 0)).toEqual([]);
    // Turned the way ffmpeg's own autorotation turns it (the oracle), not the other way round.
    const firstFramePsnr = (extra: string) =>
      Number.parseFloat(
        execFileSync(
          'sh',
          [
            '-c',
            `ffmpeg -hide_banner -nostats -i "$1" -i "$2" -lavfi "[0:v]trim=end_frame=1,format=yuv420p[o];[1:v]trim=end_frame=1,scale=180:320${extra},format=yuv420p[r];[o][r]psnr" -f null - 2>&1 | grep -o "y:[0-9.inf]*" | tail -1`,
            'sh',
            out,
            source,
          ],
          { encoding: 'utf8' },
        ).replace('y:', ''),
      );
    const right = firstFramePsnr('');
    expect(right).toBeGreaterThan(25);
    expect(right).toBeGreaterThan(firstFramePsnr(',hflip,vflip') + 6);
    const packets = videoPackets(out);
    const durations = new Set(packets.map((p) => p.duration.toFixed(5)));
    expect(durations.size).toBe(1);
    const frameSeconds = packets[0]?.duration as number;
    const perSegment = Math.round(1 / frameSeconds);
    expect(packets.map((p) => p.key)).toEqual(packets.map((_, i) => i % perSegment === 0));
  }, 180_000);
});

describe('split-track programmes through the ladder', () => {
  for (const container of ['mov', 'mxf'] as const) {
    it(`5.1 on six mono tracks (${container}): the stereo rendition is a downmix of the programme, not track 0`, async () => {
      // L 440, R 660, C 880, LFE 60, Ls 1100, Rs 1320 Hz: one tone per track.
      const tones = [440, 660, 880, 60, 1100, 1320];
      const inputs = tones.flatMap((hz) => ['-f', 'lavfi', '-i', `sine=frequency=${hz}:sample_rate=48000:duration=2`]);
      const maps = tones.flatMap((_, i) => ['-map', `${i + 1}:a`]);
      const source = await generate(join(dir, `six-mono.${container}`), [
        '-f',
        'lavfi',
        '-i',
        'testsrc2=size=320x180:rate=25:duration=2',
        ...inputs,
        '-map',
        '0:v',
        ...maps,
        ...(container === 'mxf' ? ['-c:v', 'mpeg2video', '-b:v', '4M'] : ['-c:v', 'libx264', '-preset', 'ultrafast']),
        '-c:a',
        'pcm_s24le',
      ]);
      const probed = await probe(source);
      expect(probed.technical.audio).toHaveLength(6);
      const plan = planLadder(
        probed.technical,
        template([{ name: 'v', codec: 'h264', height: 180, bitRate: 3e5 }], {
          audio: [{ name: 'stereo', codec: 'aac', bitRate: 128_000, channels: 2 }],
        }),
      );
      const { outputs } = await runLadder(source, plan, join(dir, `six-${container}`), { preset: 'ultrafast', probed });
      const stereo = outputs.find((o) => o.name === 'stereo')?.path as string;
      // The left channel has L (and C, Ls); the right has R (and C, Rs); R is not in the left.
      const left = (hz: number) => toneLevelDb(stereo, 0, hz);
      const right = (hz: number) => toneLevelDb(stereo, 1, hz);
      expect(right(660)).toBeGreaterThan(-30);
      expect(left(440)).toBeGreaterThan(-30);
      expect(right(660) - left(660)).toBeGreaterThan(20);
      expect(left(440) - right(440)).toBeGreaterThan(20);
      expect(left(880)).toBeGreaterThan(-35);
      expect(right(1320)).toBeGreaterThan(-35);
      expect(plan.audio[0]).toMatchObject({ sourceTracks: [0, 1, 2, 3, 4, 5], layout: '5.1' });
      // The order spec overrides the default grouping: a stereo pair on tracks 2+3, the rest mono.
      const spec = planLadder(
        probed.technical,
        template([{ name: 'v', codec: 'h264', height: 180, bitRate: 3e5 }], {
          audio: [
            { name: 'pair', codec: 'aac', bitRate: 96_000, channels: 2, sourceTrack: 3 },
            { name: 'alone', codec: 'aac', bitRate: 64_000, channels: 1, sourceTrack: 0 },
          ],
        }),
        { programmes: [{ layout: 'stereo', tracks: [2, 3] }] },
      );
      expect(spec.audio.map((a) => [a.name, a.sourceTracks, a.layout])).toEqual([
        ['pair', [2, 3], 'stereo'],
        ['alone', [0], undefined],
      ]);
    }, 180_000);
  }
});
