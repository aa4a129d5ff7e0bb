/**
 * `pnpm --filter @framewise/examples run custom-adapter`: a platform team's own distribution
 * adapter, plugged into the distributor like any other: a title is delivered to the partner at
 * its window's sunrise, its metadata change becomes an update, and it is taken down at sunset.
 */
import { Readable } from 'node:stream';
import { createDistributor, createMemoryDistributionStore, type DeliverySubject } from '@framewise/core/delivery';
import { createPartnerAdapter } from './partner-adapter.js';
import { startPartnerServer } from './partner-server.js';

const server = await startPartnerServer('demo-token');
let now = Date.parse('2027-05-31T23:00:00Z');
let title = 'Harbour Lights';
const subject = {
  asset: { id: 'hl-101', titles: [{ language: 'en', value: title, kind: 'main' }] },
  version: { id: 'hl-101-master' },
  renditions: [],
  related: [],
  captions: [],
  open: async () => Readable.from([Buffer.from('media bytes')]),
} as unknown as DeliverySubject;
const distributor = createDistributor({
  store: createMemoryDistributionStore(),
  clock: { now: () => now },
  source: {
    load: async () =>
      ({
        ...subject,
        asset: { ...subject.asset, titles: [{ language: 'en', value: title, kind: 'main' }] },
      }) as DeliverySubject,
  },
  endpoints: [
    {
      id: 'partner',
      profile: {
        id: 'partner',
        name: 'Partner',
        rights: { channel: 'avod', territories: ['GB'] },
        metadata: [{ field: 'title', maxLength: 100 }],
      },
      adapter: createPartnerAdapter({ baseUrl: server.baseUrl, token: 'demo-token' }),
      fields: (s) => ({ title: s.asset.titles[0]?.value }),
      files: () => [
        {
          role: 'media',
          name: 'main',
          sizeBytes: 11,
          contentType: 'video/mp4',
          open: async () => Readable.from([Buffer.from('media bytes')]),
        },
      ],
    },
  ],
});
try {
  await distributor.submit('hl-101', 'partner', {
    versionId: 'hl-101-master',
    window: { sunrise: '2027-06-01T00:00:00Z', sunset: '2027-07-01T00:00:00Z' },
  });
  await distributor.sweep();
  console.log(`before sunrise: ${server.packages.size} package(s) at the partner`);
  now = Date.parse('2027-06-01T00:00:00Z');
  await distributor.sweep();
  console.log(
    `at sunrise: "${server.packages.get('hl-101')?.fields.title}" delivered (${Object.keys(server.packages.get('hl-101')?.files ?? {}).join(', ')})`,
  );
  title = 'Harbour Lights (Director’s Cut)';
  await distributor.changed('hl-101');
  await distributor.sweep();
  console.log(`after a change: "${server.packages.get('hl-101')?.fields.title}" (updated in place)`);
  now = Date.parse('2027-07-01T00:00:00Z');
  await distributor.sweep();
  const record = await distributor.get('hl-101', 'partner');
  console.log(
    `at sunset: ${server.packages.size} package(s) left; history ${record?.history.map((h) => h.to).join(' → ')}`,
  );
} finally {
  await distributor.close();
  await server.stop();
}
