import type { FrameRateJson } from '@framewise/core/time';
import { decimalRate } from '../xml/time.js';
import { percentEncodePath } from '../xml/uri.js';
import type { XmlOut } from '../xml/writer.js';
import { type BxfVersion, bxfNamespace } from './names.js';
import { bxfTimecode } from './timecode.js';

/** Who sends a message and to whom (the BxfMessage header attributes). */
export interface BxfParties {
  /** Sending system's name. */
  readonly origin: string;
  /** Sending system's role, e.g. `Traffic`, `Content Management`. */
  readonly originType: string;
  /** User the message is sent as. */
  readonly userName: string;
  /** Receiving system's name. */
  readonly destination: string;
  /** Receiving system's role, e.g. `Automation`. */
  readonly destinationType: string;
}

/** Open `BxfMessage` and `BxfData`; close both with two `close()` calls. */
export function openMessage(w: XmlOut, version: BxfVersion, id: string, at: Date, parties: BxfParties): void {
  w.declaration();
  w.open('BxfMessage', {
    xmlns: bxfNamespace(version),
    id: `urn:uuid:${id}`,
    dateTime: `${at.toISOString().slice(0, 19)}Z`,
    messageType: 'Information',
    origin: parties.origin,
    originType: parties.originType,
    userName: parties.userName,
    destination: parties.destination,
    destinationType: parties.destinationType,
  });
  w.open('BxfData', { action: 'add' });
}

/** `<name frameRate=".."><SmpteTimeCode>label</SmpteTimeCode></name>` for a position. */
export function smpteTime(
  w: XmlOut,
  name: string,
  frames: number,
  rate: FrameRateJson,
  version: BxfVersion,
  field: string,
  attributes: Record<string, string | undefined> = {},
): void {
  w.open(name, { ...attributes, frameRate: decimalRate(rate) });
  w.leaf('SmpteTimeCode', bxfTimecode(frames, rate, version, field));
  w.close();
}

/** `<name frameRate=".."><SmpteTimeCode>label</SmpteTimeCode></name>` for a label made elsewhere. */
export function smpteLabel(
  w: XmlOut,
  name: string,
  label: string,
  rate: FrameRateJson,
  attributes: Record<string, string | undefined> = {},
): void {
  w.open(name, { ...attributes, frameRate: decimalRate(rate) });
  w.leaf('SmpteTimeCode', label);
  w.close();
}

/** `<Duration><SmpteDuration frameRate framecount><SmpteTimeCode>…` for a length in frames. */
export function smpteDuration(
  w: XmlOut,
  name: string,
  frames: number,
  rate: FrameRateJson,
  version: BxfVersion,
  field: string,
): void {
  w.open(name);
  w.open('SmpteDuration', { frameRate: decimalRate(rate), framecount: frames });
  w.leaf('SmpteTimeCode', bxfTimecode(frames, rate, version, field));
  w.close().close();
}

/**
 * `<Media><BaseBand/><MediaLocation>` of a live event: the router source automation switches to,
 * with the SOM and duration of the slot.
 */
export function liveMedia(
  w: XmlOut,
  source: string,
  somFrames: number,
  durationFrames: number,
  rate: FrameRateJson,
  version: BxfVersion,
  field: string,
): void {
  w.open('Media').empty('BaseBand').open('MediaLocation');
  w.open('Location').open('RouterSource').leaf('Name', source).close().close();
  smpteTime(w, 'SOM', somFrames, rate, version, `${field}.som`);
  smpteDuration(w, 'Duration', durationFrames, rate, version, `${field}.duration`);
  w.close().close();
}

/** `<Media><BaseBand/><MediaLocation>` with the file's path, SOM and duration. */
export function media(
  w: XmlOut,
  path: string,
  somFrames: number,
  durationFrames: number,
  rate: FrameRateJson,
  version: BxfVersion,
  field: string,
  fileTransferAllowed: boolean,
): void {
  w.open('Media').empty('BaseBand').open('MediaLocation');
  w.open('Location').open('AssetServer', { playoutAllowed: 'true', fileTransferAllowed: String(fileTransferAllowed) });
  w.leaf('PathName', percentEncodePath(path)).close().close();
  smpteTime(w, 'SOM', somFrames, rate, version, `${field}.som`);
  smpteDuration(w, 'Duration', durationFrames, rate, version, `${field}.duration`);
  w.close().close();
}
