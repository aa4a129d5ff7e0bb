/** `framewise probe FILE`: technical metadata in the catalog's model. */
import { probe } from '@framewise/core/transcode';
import type { CommandRunner } from '../cli/command.js';
import { EXIT } from '../cli/exit-codes.js';
import { arg } from '../cli/inputs.js';
import { mediaInput } from './media-input.js';

/** Run `probe`. */
export const runProbe: CommandRunner = async ({ args, out, signal }) => {
  const file = await mediaInput(arg(args, 0, 'file'));
  const { technical: t, durationUs } = await probe(file, { signal });
  out.line(`file        ${file}`);
  out.line(`container   ${t.container}${t.operationalPattern ? ` (${t.operationalPattern})` : ''}`);
  if (durationUs !== undefined)
    out.line(
      `duration    ${(durationUs / 1e6).toFixed(3)} s${t.durationFrames === undefined ? '' : ` (${t.durationFrames} frames)`}`,
    );
  if (t.startTimecode) out.line(`timecode    ${t.startTimecode}`);
  if (t.sizeBytes !== undefined)
    out.line(`size        ${t.sizeBytes} bytes${t.bitRate ? `, ${Math.round(t.bitRate / 1000)} kb/s` : ''}`);
  if (t.video.length > 0) {
    out.line();
    out.table(
      ['video', 'codec', 'profile', 'size', 'rate', 'bits', 'chroma', 'scan', 'colour'],
      t.video.map((v, i) => [
        String(i),
        v.codec,
        v.profile ?? '',
        `${v.width}x${v.height}`,
        `${v.frameRate.num}/${v.frameRate.den}${v.frameRate.dropFrame ? ' DF' : ''}`,
        v.bitDepth === undefined ? '' : String(v.bitDepth),
        v.chromaSubsampling ?? '',
        v.scan?.type ?? '',
        [v.colourPrimaries, v.transfer, v.matrix, v.hdrFormat].filter(Boolean).join('/'),
      ]),
    );
  }
  if (t.audio.length > 0) {
    out.line();
    out.table(
      ['audio', 'codec', 'channels', 'layout', 'rate', 'bits', 'language', 'role'],
      t.audio.map((a) => [
        String(a.index),
        a.codec,
        String(a.channels),
        a.layout ?? '',
        String(a.sampleRate),
        a.bitDepth === undefined ? '' : String(a.bitDepth),
        a.language ?? '',
        a.role,
      ]),
    );
  }
  out.result({ ok: true, file, durationUs, technical: t });
  return EXIT.OK;
};
