import { FramewiseError } from '@framewise/core/errors';
import type { FrameRateJson } from '@framewise/core/time';
import { parseXml, type XmlElement } from '../xml/parser.js';
import { XmlQuery } from '../xml/query.js';
import { timecodeFrames } from '../xml/time.js';
import { BXF_VERSIONS, type BxfVersion, bxfNamespace } from './names.js';
import { isCalendarDate, rateOfDecimal, splitLabel, type WallClockReader } from './wall-clock.js';

/** The header of a BXF message (the `BxfMessage` attributes). */
export interface BxfMessageHeader {
  /** BXF release, by the year in the namespace. */
  readonly version: BxfVersion;
  /** Message id (the UUID, without `urn:uuid:`). */
  readonly id: string;
  /** When the sender made it (`dateTime`). */
  readonly dateTime: string;
  /** `Information`, `Acknowledgement`, … */
  readonly messageType: string;
  /** Sending system and its role. */
  readonly origin: string;
  readonly originType: string | undefined;
  /** Receiving system and its role. */
  readonly destination: string | undefined;
  readonly destinationType: string | undefined;
  /** The action on `BxfData` (`add` when absent). */
  readonly action: string;
}

/** A parsed BXF document: typed reads, the namespace, the header and `BxfData`. */
export interface OpenedBxf {
  readonly q: XmlQuery;
  readonly ns: string;
  readonly header: BxfMessageHeader;
  readonly data: XmlElement | undefined;
}

const UUID = /^(?:urn:uuid:)?([0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12})$/;

/** The UUID of a BXF `Uuid` value (`urn:uuid:…`, or a bare UUID), lower-cased; `undefined` when not one. */
export function uuidOf(text: string | undefined): string | undefined {
  const m = text === undefined ? null : UUID.exec(text.trim());
  return m === null ? undefined : (m[1] as string).toLowerCase();
}

/**
 * Parse a BXF message and check its root: `BxfMessage` in the 2008, 2017 or 2022 namespace.
 *
 * @throws `INVALID_INPUT` naming the source for malformed or hostile XML or another root;
 * `UNSUPPORTED` for a BXF namespace Framewise does not read.
 */
export function openBxf(document: string | Uint8Array, source: string): OpenedBxf {
  const q: XmlQuery = new XmlQuery(parseXml(document, { source }));
  const root = q.root;
  const version = BXF_VERSIONS.find((v) => bxfNamespace(v) === root.ns);
  if (version === undefined) {
    if (/^http:\/\/smpte-ra\.org\/schemas\/2021\/\d{4}\/BXF$/.test(root.ns)) {
      throw new FramewiseError(
        'UNSUPPORTED',
        `${source} is BXF in namespace ${root.ns}; Framewise reads ${BXF_VERSIONS.map(bxfNamespace).join(', ')}`,
        { details: { source, namespace: root.ns } },
      );
    }
    return q.fail(
      root,
      `root element is {${root.ns}}${root.name}; a BXF message is BxfMessage in ${bxfNamespace('2022')}`,
    );
  }
  if (root.name !== 'BxfMessage') q.fail(root, `root element is ${root.name}; a BXF message is BxfMessage`);
  const ns = root.ns;
  const attr = (name: string) => root.attributes.get(name);
  const id = uuidOf(attr('id')) ?? q.fail(root, `BxfMessage id ${JSON.stringify(attr('id') ?? '')} is not a urn:uuid`);
  const data = q.first(root, ns, 'BxfData');
  return {
    q,
    ns,
    data,
    header: {
      version,
      id,
      dateTime: attr('dateTime') ?? '',
      messageType: attr('messageType') ?? q.fail(root, 'BxfMessage has no messageType'),
      origin: attr('origin') ?? '',
      originType: attr('originType'),
      destination: attr('destination'),
      destinationType: attr('destinationType'),
      action: data?.attributes.get('action') ?? 'add',
    },
  };
}

/** Reads BXF times, dates and durations at one channel's rate, failing at the element. */
export class BxfTimes {
  constructor(
    readonly q: XmlQuery,
    readonly ns: string,
    readonly rate: FrameRateJson,
    readonly base: number,
    readonly clock: WallClockReader,
  ) {}

  /** The rate a `frameRate` attribute and label say; fails when it is not the channel's. */
  checkRate(el: XmlElement, label: string): void {
    const decimal = el.attributes.get('frameRate');
    if (decimal === undefined) return;
    const rate = rateOfDecimal(decimal, label.includes(';'));
    if (rate === undefined || rate.num * this.rate.den !== this.rate.num * rate.den) {
      this.q.fail(
        el,
        `<${el.name}> frameRate ${JSON.stringify(decimal)} is not the channel's rate ${this.rate.num}/${this.rate.den}`,
      );
    }
  }

  /** Frames of a `BxfSmpteTime` element (`<X frameRate><SmpteTimeCode>`), counted from zero. */
  frames(el: XmlElement, what: string): number {
    const tc = this.q.required(el, this.ns, 'SmpteTimeCode');
    const label = this.q.text(tc);
    this.checkRate(el, label);
    try {
      return timecodeFrames(label, this.rate);
    } catch (cause) {
      return this.q.fail(
        tc,
        `${what} ${JSON.stringify(label)} is not a timecode at ${this.rate.num}/${this.rate.den}`,
        {
          cause,
        },
      );
    }
  }

  /** Frames of a `BxfDuration` (`SmpteDuration`, with `framecount` checked when present, or `UtcDuration`). */
  duration(el: XmlElement, what: string): number {
    const smpte = this.q.first(el, this.ns, 'SmpteDuration');
    if (smpte !== undefined) {
      const frames = this.frames(smpte, what);
      const count = this.q.int(smpte, smpte.attributes.get('framecount'), `${what} framecount`);
      if (count !== undefined && count !== frames) {
        this.q.fail(smpte, `${what}: framecount ${count} disagrees with the timecode (${frames} frames)`);
      }
      return frames;
    }
    const utc = this.q.first(el, this.ns, 'UtcDuration');
    if (utc !== undefined) {
      const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(this.q.text(utc));
      if (m === null || this.q.text(utc) === 'PT') {
        return this.q.fail(utc, `${what} ${JSON.stringify(this.q.text(utc))} is not PTnHnMnS`);
      }
      const seconds = Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
      return Math.round((seconds * this.rate.num) / this.rate.den);
    }
    return this.q.fail(el, `${what} has neither SmpteDuration nor UtcDuration`);
  }

  /** Milliseconds since the epoch of a `BxfDateTime` (`SmpteDateTime` with broadcast date, or `UtcDateTime`). */
  instant(el: XmlElement, what: string): number {
    const smpte = this.q.first(el, this.ns, 'SmpteDateTime');
    if (smpte !== undefined) {
      const date = smpte.attributes.get('broadcastDate') ?? this.q.fail(smpte, `${what} has no broadcastDate`);
      if (!isCalendarDate(date))
        this.q.fail(smpte, `${what} broadcastDate ${JSON.stringify(date)} is not a calendar date`);
      const tc = this.q.required(smpte, this.ns, 'SmpteTimeCode');
      const label = this.q.text(tc);
      this.checkRate(smpte, label);
      const parts = splitLabel(label, this.base);
      if (parts === undefined) {
        return this.q.fail(
          tc,
          `${what} ${JSON.stringify(label)} is not a time of day HH:MM:SS:FF below ${this.base} frames`,
        );
      }
      return this.clock.instant(date, parts, this.base);
    }
    const utc = this.q.first(el, this.ns, 'UtcDateTime');
    if (utc !== undefined) {
      const text = this.q.text(utc);
      const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text)
        ? Date.parse(text)
        : Number.NaN;
      if (Number.isNaN(ms)) this.q.fail(utc, `${what} ${JSON.stringify(text)} is not a date-time with an offset`);
      return ms;
    }
    return this.q.fail(el, `${what} has neither SmpteDateTime nor UtcDateTime`);
  }
}

/** The first `SmpteTimeCode` label with its `frameRate`, searched depth-first (for the channel's rate). */
export function firstRate(q: XmlQuery, el: XmlElement, ns: string): FrameRateJson | undefined {
  const stack: XmlElement[] = [el];
  while (stack.length > 0) {
    const e = stack.pop() as XmlElement;
    const decimal = e.attributes.get('frameRate');
    if (decimal !== undefined) {
      const tc = q.first(e, ns, 'SmpteTimeCode');
      return rateOfDecimal(decimal, tc !== undefined && q.text(tc).includes(';'));
    }
    for (let i = e.children.length - 1; i >= 0; i--) stack.push(e.children[i] as XmlElement);
  }
  return undefined;
}
