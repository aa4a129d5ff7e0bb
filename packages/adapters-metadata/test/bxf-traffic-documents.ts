/**
 * BXF schedule messages as a traffic system (not Framewise) writes them, built by hand from the
 * schemas: the 2022 one at 29.97 drop-frame in New York with news segments, a station bug, spots
 * with Ad-ID and ISCI, an SCTE-35 splice carried as a macro, a live event from a router source, a
 * promo, a comment, an update and a removal; the 2008 one at 25 fps in Paris with spot types only
 * and EndDateTime lengths. Tests validate both against the official schemas with xmllint.
 */

const NS = (year: string) => `http://smpte-ra.org/schemas/2021/${year}/BXF`;
const id = (n: number) => `urn:uuid:5f3e1a2b-0000-4000-8000-${String(n).padStart(12, '0')}`;

interface TrafficEvent {
  readonly n: number;
  readonly type?: 'Primary' | 'NonPrimary' | 'Comment';
  readonly action?: 'add' | 'update' | 'remove';
  readonly title: string;
  /** The PrimaryEvent / NonPrimaryEvent / MacroEvent element. */
  readonly body: string;
  readonly date: string;
  readonly at: string;
  readonly nominal?: boolean;
  readonly length: string;
  readonly startMode: string;
  readonly endMode?: string;
  readonly content?: string;
  readonly contentType?: string;
}

function event(e: TrafficEvent, rate: string): string {
  const attrs = [`eventType="${e.type ?? 'Primary'}"`, ...(e.action ? [`action="${e.action}"`] : [])].join(' ');
  return `
      <ScheduledEvent>
        <EventData ${attrs}>
          <EventId><EventId>${id(e.n)}</EventId></EventId>
          <EventTitle>${e.title}</EventTitle>
          ${e.body}
          <StartDateTime${e.nominal ? ' nominalFlag="true"' : ''}>
            <SmpteDateTime broadcastDate="${e.date}" frameRate="${rate}"><SmpteTimeCode>${e.at}</SmpteTimeCode></SmpteDateTime>
          </StartDateTime>
          <LengthOption>${e.length}</LengthOption>
          <StartMode>${e.startMode}</StartMode>
          <EndMode>${e.endMode ?? 'Duration'}</EndMode>
        </EventData>${e.content ?? ''}${e.contentType ? `\n        <ContentType>${e.contentType}</ContentType>` : ''}
      </ScheduledEvent>`;
}

const duration = (rate: string, tc: string, count?: number) =>
  `<Duration><SmpteDuration frameRate="${rate}"${count === undefined ? '' : ` framecount="${count}"`}><SmpteTimeCode>${tc}</SmpteTimeCode></SmpteDuration></Duration>`;

function content(
  house: string,
  name: string,
  rate: string,
  location: string,
  som: string,
  length: string,
  alt = '',
): string {
  return `
        <Content>
          <ContentId><HouseNumber>${house}</HouseNumber>${alt}</ContentId>
          <Name>${name}</Name>
          <Media>
            <BaseBand/>
            <MediaLocation>
              <Location>${location}</Location>
              <SOM frameRate="${rate}"><SmpteTimeCode>${som}</SmpteTimeCode></SOM>
              ${duration(rate, length)}
            </MediaLocation>
          </Media>
        </Content>`;
}

const file = (path: string) =>
  `<AssetServer playoutAllowed="true" fileTransferAllowed="true"><PathName>${path}</PathName></AssetServer>`;
const router = (name: string) => `<RouterSource><Name>${name}</Name><CrossPoint>12</CrossPoint></RouterSource>`;
const program = (segment: number, name: string) =>
  `<PrimaryEvent><ProgramEvent><SegmentNumber>${segment}</SegmentNumber><ProgramName>${name}</ProgramName></ProgramEvent></PrimaryEvent>`;
const commercial = (adType: string, advertiser: string) =>
  `<PrimaryEvent><NonProgramEvent><Details><AdType>${adType}</AdType><SpotType>Standard</SpotType><Advertiser><AdvertiserName>${advertiser}</AdvertiserName></Advertiser></Details></NonProgramEvent></PrimaryEvent>`;

/** A 2022 traffic schedule (see the file comment). */
export function trafficSchedule2022(): string {
  const r = '29.97';
  const d = '2024-06-01';
  const events: TrafficEvent[] = [
    {
      n: 1,
      title: 'Evening News - Part 1',
      body: program(1, 'Evening News'),
      date: d,
      at: '18:00:00;00',
      length: duration(r, '00:10:00;00', 17982),
      startMode: 'Fixed',
      content: content(
        'NEWS-0601-P1',
        'Evening News 1 June',
        r,
        file('file:///media/NEWS-0601-P1.mxf'),
        '00:00:00;00',
        '00:10:00;00',
      ),
    },
    {
      n: 2,
      type: 'NonPrimary',
      title: 'Station bug',
      body: `<NonPrimaryEvent><NonPrimaryEventName>STATION-BUG</NonPrimaryEventName><PrimaryEventId>${id(1)}</PrimaryEventId><Offset offsetFrom="BeginningofEvent" offsetType="Start" direction="Positive"><OffsetTime frameRate="${r}"><SmpteTimeCode>00:00:05;00</SmpteTimeCode></OffsetTime></Offset></NonPrimaryEvent>`,
      date: d,
      at: '18:00:05;00',
      nominal: true,
      length: duration(r, '00:00:10;00'),
      startMode: 'Follow',
    },
    {
      n: 3,
      title: 'Acme Cola :30',
      body: commercial('Commercial', 'Acme Beverages'),
      date: d,
      at: '18:10:00;00',
      nominal: true,
      length: duration(r, '00:00:30;00'),
      startMode: 'Follow',
      content: content(
        'C12345',
        'Acme Cola Summer',
        r,
        file('file:///media/spots/C12345.mxf'),
        '00:59:50;00',
        '00:00:30;00',
        '<AlternateId authoritativeSource="Ad-ID">ABCD1234000H</AlternateId><AlternateId authoritativeSource="ISCI">ABCD1234</AlternateId>',
      ),
    },
    {
      n: 4,
      title: 'Local break',
      body: program(2, 'Evening News'),
      date: d,
      at: '18:10:30;00',
      nominal: true,
      length: duration(r, '00:02:00;02'),
      startMode: 'Follow',
      content: content('SCTE-HOLDER', 'Break slate', r, file('file:///media/SLATE.mxf'), '00:00:00;00', '00:02:00;02'),
    },
    {
      n: 5,
      type: 'NonPrimary',
      title: 'SCTE-35 cue out',
      body: `<NonPrimaryEvent><NonPrimaryEventName>SCTE35 OUT</NonPrimaryEventName><Offset offsetFrom="BeginningofEvent" offsetType="Start" direction="Positive"><OffsetTime frameRate="${r}"><SmpteTimeCode>00:00:00;00</SmpteTimeCode></OffsetTime></Offset><Macros><MacroName>SCTE-35</MacroName><MacroParameterString>command=splice_insert</MacroParameterString><MacroParameterString>splice_event_id=4242</MacroParameterString><MacroParameterString>out_of_network=true</MacroParameterString><MacroParameterString>break_duration_frames=3596</MacroParameterString></Macros></NonPrimaryEvent>`,
      date: d,
      at: '18:10:30;00',
      nominal: true,
      length: duration(r, '00:00:00;01'),
      startMode: 'Follow',
    },
    {
      n: 6,
      title: 'Live: Ball game',
      body: program(1, 'Ball game'),
      date: d,
      at: '18:14:30;00',
      length: duration(r, '02:30:00;00'),
      startMode: 'Fixed',
      endMode: 'Manual',
      content: content('LIVE-GAME', 'Ball game', r, router('REMOTE-1'), '00:00:00;00', '02:30:00;00'),
    },
    {
      n: 7,
      title: 'Tonight at 9',
      body: commercial('Promo', 'WXMP'),
      date: d,
      at: '20:44:30;00',
      nominal: true,
      length: duration(r, '00:00:15;00'),
      startMode: 'Follow',
      content: content('PROMO-9', 'Tonight at 9', r, file('file:///media/PROMO-9.mxf'), '00:00:00;00', '00:00:15;00'),
    },
    {
      n: 8,
      type: 'Comment',
      title: 'Check the remote feed before air',
      body: '<MacroEvent><MacroName>COMMENT</MacroName></MacroEvent>',
      date: d,
      at: '20:44:45;00',
      nominal: true,
      length: duration(r, '00:00:00;00'),
      startMode: 'Follow',
    },
    {
      n: 99,
      action: 'update',
      title: 'Acme Cola :30 (moved)',
      body: commercial('Commercial', 'Acme Beverages'),
      date: '2024-06-02',
      at: '01:10:00;00',
      length: duration(r, '00:00:30;00'),
      startMode: 'Fixed',
      content: content(
        'C99999',
        'Acme Cola Night',
        r,
        file('file:///media/spots/C99999.mxf'),
        '00:00:00;00',
        '00:00:30;00',
      ),
    },
    {
      n: 98,
      action: 'remove',
      title: 'Dropped spot',
      body: commercial('Commercial', 'Acme Beverages'),
      date: '2024-06-02',
      at: '01:10:30;00',
      length: duration(r, '00:00:30;00'),
      startMode: 'Follow',
      content: content('C98888', 'Dropped', r, file('file:///media/spots/C98888.mxf'), '00:00:00;00', '00:00:30;00'),
    },
  ];
  return `<?xml version="1.0" encoding="UTF-8"?>
<BxfMessage xmlns="${NS('2022')}" id="urn:uuid:9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d" dateTime="2024-05-31T15:00:00Z"
            messageType="Information" origin="TrafficOne" originType="Traffic" userName="scheduler"
            destination="Automation" destinationType="Automation">
  <BxfData action="add">
    <Schedule type="Primary" scheduleId="urn:uuid:0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d" scheduleStart="2024-06-01T06:00:00-04:00" scheduleEnd="2024-06-02T06:00:00-04:00">
      <ScheduleName>WXMP-DT1</ScheduleName>${events.map((e) => event(e, r)).join('')}
    </Schedule>
  </BxfData>
</BxfMessage>
`;
}

/** A 2008 traffic schedule (see the file comment). */
export function trafficSchedule2008(): string {
  const r = '25';
  const d = '2024-01-15';
  const spot = (type: string) =>
    `<PrimaryEvent><NonProgramEvent><Details><SpotType>${type}</SpotType></Details></NonProgramEvent></PrimaryEvent>`;
  const events: TrafficEvent[] = [
    {
      n: 11,
      title: 'Le Film',
      body: program(1, 'Le Film'),
      date: d,
      at: '20:00:00:00',
      length: `<EndDateTime><SmpteDateTime broadcastDate="${d}" frameRate="${r}"><SmpteTimeCode>20:25:00:00</SmpteTimeCode></SmpteDateTime></EndDateTime>`,
      startMode: 'Fixed',
      content: content('FILM-1', 'Le Film', r, file('file:///media/FILM-1.mxf'), '10:00:00:00', '00:25:00:00'),
    },
    {
      n: 12,
      title: 'Pub',
      body: spot('Standard'),
      date: d,
      at: '20:25:00:00',
      nominal: true,
      length: duration(r, '00:00:20:00'),
      startMode: 'Follow',
      content: content('PUB-1', 'Pub', r, file('file:///media/PUB-1.mxf'), '00:00:00:00', '00:00:20:00'),
    },
    {
      n: 13,
      title: 'Habillage',
      body: spot('Other'),
      date: d,
      at: '20:25:20:00',
      nominal: true,
      length: duration(r, '00:00:05:00'),
      startMode: 'Follow',
      content: content('HAB-1', 'Habillage', r, file('file:///media/HAB-1.mxf'), '00:00:00:00', '00:00:05:00'),
    },
  ];
  return `<?xml version="1.0" encoding="UTF-8"?>
<BxfMessage xmlns="${NS('2008')}" id="urn:uuid:1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d" dateTime="2024-01-14T10:00:00Z"
            messageType="Information" origin="Trafic" originType="Traffic" userName="planif"
            destination="Automation" destinationType="Automation">
  <BxfData action="add">
    <Schedule type="Primary" scheduleId="urn:uuid:2c3d4e5f-6071-4b8c-9d0e-1f2a3b4c5d6e">
      <ScheduleName>CHAINE 1</ScheduleName>${events.map((e) => event(e, r)).join('')}
    </Schedule>
  </BxfData>
</BxfMessage>
`;
}
