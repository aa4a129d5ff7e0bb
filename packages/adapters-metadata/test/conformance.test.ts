import { interchangeConformance } from '@framewise/core/testing';
import { validateXml } from '@framewise/test-support';
import {
  BXF_VERSIONS,
  type BxfAsRunInput,
  type BxfContentInput,
  type BxfScheduleInput,
  createBxfAsRunExporter,
  createBxfContentExporter,
  createBxfScheduleExporter,
} from '../src/bxf/index.js';
import { createEbuCoreExporter, createEbuCoreImporter, EBUCORE_VERSIONS } from '../src/ebucore/index.js';
import { canonical } from './arbitraries.js';
import { richDescription } from './fixtures.js';

const clock = { now: () => Date.parse('2026-11-21T09:30:00Z') };
const newId = () => '7c0e8a52-3d4b-4f6e-9a1c-2b3d4e5f6a70';
const errors = async (xml: string, schema: Parameters<typeof validateXml>[1]) =>
  (await validateXml(xml, schema)).errors;

function minimal() {
  return {
    asset: { id: 'a1', kind: 'clip' as const, titles: [{ language: 'en', value: 'Clip' }] },
    version: {
      id: 'v1',
      name: 'Master',
      kind: 'master' as const,
      rate: { num: 25, den: 1, dropFrame: false },
      durationFrames: 250,
    },
  };
}

function withBell() {
  const d = richDescription();
  d.asset.keywords = ['ok', 'bell\u0007'];
  return d;
}

for (const version of EBUCORE_VERSIONS) {
  interchangeConformance(`EBUCore ${version}`, {
    exporter: () => createEbuCoreExporter({ version, clock }),
    samples: [minimal(), richDescription()],
    withControlCharacter: { input: withBell(), field: 'asset.keywords[1]' },
    validate: (xml) => errors(xml, `ebucore-${version}`),
    importer: { create: () => createEbuCoreImporter(), expected: canonical },
  });
}

const schedule = {
  id: '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d',
  channel: 'EXAMPLE ONE',
  rate: { num: 25, den: 1, dropFrame: false },
  zone: 'Europe/London',
  start: '2026-06-01T05:00:00Z',
  end: '2026-06-02T05:00:00Z',
};
const event = {
  id: '0f1e2d3c-4b5a-4697-8877-665544332211',
  title: 'Harbour Lights (Part 1)',
  kind: 'program' as const,
  start: '2026-06-01T19:00:00Z',
  startMode: 'fixed' as const,
  durationFrames: 39_250,
  content: { houseNumber: 'HL-S01E01', path: 'file:///playout/HL.mxf', somFrames: 900_000 },
};

for (const version of BXF_VERSIONS) {
  interchangeConformance<BxfContentInput>(`BXF ${version} content`, {
    exporter: () => createBxfContentExporter({ version, clock, newId }),
    samples: [
      { description: minimal(), path: 'file:///playout/a1.mxf' },
      {
        description: {
          ...richDescription(),
          version: {
            ...richDescription().version,
            rate: { num: 25, den: 1, dropFrame: false },
            startTimecode: '10:00:00:00',
          },
        },
        path: 'file:///p/x.mxf',
      },
    ],
    withControlCharacter: {
      input: { description: withBell(), path: 'file:///x.mxf' },
      field: 'asset.keywords[1]',
    },
    validate: (xml) => errors(xml, `bxf-${version}`),
  });
  interchangeConformance<BxfScheduleInput>(`BXF ${version} schedule`, {
    exporter: () => createBxfScheduleExporter({ version, clock, newId }),
    samples: [
      { schedule, events: [] },
      {
        schedule,
        events: [event, { ...event, id: '0f1e2d3c-4b5a-4697-8877-665544332212', kind: 'spot', startMode: 'follow' }],
      },
    ],
    withControlCharacter: { input: { schedule, events: [{ ...event, title: 'bell\u0007' }] }, field: 'events[0]' },
    validate: (xml) => errors(xml, `bxf-${version}`),
  });
  interchangeConformance<BxfAsRunInput>(`BXF ${version} as-run`, {
    exporter: () => createBxfAsRunExporter({ version, clock, newId }),
    samples: [
      { schedule, entries: [] },
      {
        schedule,
        entries: [
          { eventId: event.id, houseNumber: 'HL-S01E01', start: '2026-06-01T19:00:00Z', durationFrames: 39_250 },
          {
            houseNumber: 'PSA-7',
            start: '2026-06-01T19:26:10Z',
            durationFrames: 750,
            statuses: ['Inserted by Operator'],
          },
        ],
      },
    ],
    withControlCharacter: {
      input: { schedule: { ...schedule, channel: 'bell\u0007' }, entries: [] },
      field: 'channel',
    },
    validate: (xml) => errors(xml, `bxf-${version}`),
  });
}
