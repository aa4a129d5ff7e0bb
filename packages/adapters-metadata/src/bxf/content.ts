import type { AssetDescription } from '@framewise/core/interchange';
import { canonicalTimecode } from '../xml/time.js';
import { type XmlOut, XmlWriter } from '../xml/writer.js';
import { type BxfParties, media, openMessage, smpteDuration, smpteTime } from './message.js';
import type { BxfVersion } from './names.js';

/** What a content message says about one programme, resolved by the exporter. */
export interface ContentMessage {
  readonly id: string;
  readonly at: Date;
  readonly description: AssetDescription;
  readonly houseNumber: string;
  readonly path: string;
}

const AUTHORITIES: Readonly<Record<string, string>> = {
  eidr: 'EIDR',
  isan: 'ISAN',
  'ad-id': 'Ad-ID',
  imdb: 'IMDb',
  tms: 'TMS',
  gracenote: 'Gracenote',
};

/**
 * A BXF Content message ("content notify"): the programme (house number, name, identifiers, SOM,
 * duration, where the file is) and its segments (sequence, offset, duration, SOM of each part).
 */
export function* contentChunks(
  m: ContentMessage,
  version: BxfVersion,
  parties: BxfParties,
  w: XmlOut = new XmlWriter(),
): Generator<string> {
  const { version: v, asset } = m.description;
  const rate = v.rate;
  const som = canonicalTimecode(v.startTimecode, rate, 'description.version.startTimecode').frames;
  const title = (asset.titles.find((t) => t.kind === 'main') ?? asset.titles[0])?.value ?? m.houseNumber;
  openMessage(w, version, m.id, m.at, parties);
  w.open('Content', { timestamp: `${m.at.toISOString().slice(0, 19)}Z`, contentExists: 'true' });
  w.open('ProgramContent');
  w.open('ContentMetaData');
  w.open('ContentId').leaf('HouseNumber', m.houseNumber);
  for (const id of asset.externalIds) {
    const authority = AUTHORITIES[id.scheme];
    if (authority !== undefined) w.leaf('AlternateId', id.value, { authoritativeSource: authority });
  }
  w.close();
  w.leaf('Name', title);
  smpteDuration(w, 'DefaultLength', v.durationFrames, rate, version, 'version.durationFrames');
  media(w, m.path, som, v.durationFrames, rate, version, 'version', true);
  w.close();
  const segments = m.description.parts.filter((p) => p.type === 'segment');
  if (segments.length > 0) {
    w.open('Elements');
    segments.forEach((p, i) => {
      const field = `parts[${m.description.parts.indexOf(p)}]`;
      w.open('Element').leaf('SequenceNumber', i + 1);
      smpteTime(w, 'Offset', p.start, rate, version, `${field}.start`);
      smpteDuration(w, 'Duration', p.duration, rate, version, `${field}.duration`);
      w.open('ProgramElement')
        .leaf('SegmentNumber', i + 1)
        .leaf('Type', 'ProgramSegment');
      w.open('ContentMetaData');
      w.open('ContentId')
        .leaf('HouseNumber', `${m.houseNumber}-P${i + 1}`)
        .close();
      w.leaf('Name', p.title ?? `Part ${i + 1}`);
      media(w, m.path, som + p.start, p.duration, rate, version, field, true);
      w.close();
      w.leaf('SegmentName', p.title ?? `Part ${i + 1}`);
      w.close().close();
    });
    w.close();
  }
  w.close().close().close().close();
  yield w.take();
}
