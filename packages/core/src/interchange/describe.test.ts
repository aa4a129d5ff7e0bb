import { describe, expect, it } from 'vitest';
import { createCatalog, createMemoryCatalogStore } from '../catalog/index.js';
import { catalogInputsFrom, describeVersion } from './describe.js';
import { AssetDescriptionSchema } from './description.js';

const admin = { id: 'ops', global: 'admin' as const };

async function seeded() {
  const catalog = createCatalog({ store: createMemoryCatalogStore() });
  const asset = await catalog.createAsset(admin, {
    id: 'crossing-101',
    project: 'drama',
    kind: 'episode',
    titles: [
      { language: 'fr', value: 'La traversée', kind: 'original' },
      { language: 'en', value: 'The Crossing', kind: 'main' },
    ],
    credits: [
      { name: 'Kofi Mensah', role: 'director' },
      { name: 'Ada Byrne', role: 'actor', character: 'DI Rowe', order: 1 },
    ],
    recommendation: { audiences: ['adult'], popularity: 0.4, similarTo: [] },
    custom: { internal: true },
  });
  const version = await catalog.addVersion(admin, asset.id, {
    id: 'crossing-101-tx',
    name: 'TX master',
    kind: 'master',
    rate: { num: 25, den: 1, dropFrame: false },
    durationFrames: 1_500,
    startTimecode: '10:00:00:00',
    custom: { secret: 'x' },
  });
  await catalog.addAnnotations(admin, version.id, [
    {
      id: 'seg-2',
      type: 'segment',
      start: 750,
      duration: 750,
      text: 'Part 2',
      provenance: { kind: 'person', id: 'ana' },
    },
    {
      id: 'seg-1',
      type: 'segment',
      start: 0,
      duration: 750,
      text: 'Part 1',
      provenance: { kind: 'person', id: 'ana' },
    },
    {
      id: 'note-1',
      type: 'note',
      start: 10,
      duration: 0,
      text: 'not a part',
      provenance: { kind: 'person', id: 'ana' },
    },
  ]);
  return { catalog, version };
}

describe('describeVersion', () => {
  it('describes a version in normal form: parts from segment annotations in order, host-only fields left out', async () => {
    const { catalog, version } = await seeded();
    const d = await describeVersion(catalog, admin, version.id, {
      rights: [{ summary: 'SVOD in GB', territories: ['gb'], start: '2027-01-01' }],
    });
    expect(d.asset.titles.map((t) => t.value)).toEqual(['The Crossing', 'La traversée']);
    expect(d.asset.credits).toEqual([
      { name: 'Ada Byrne', role: 'actor', character: 'DI Rowe', order: 0 },
      { name: 'Kofi Mensah', role: 'director', order: 1 },
    ]);
    expect(d.parts.map((p) => [p.id, p.start, p.title])).toEqual([
      ['seg-1', 0, 'Part 1'],
      ['seg-2', 750, 'Part 2'],
    ]);
    expect(d.rights[0]?.territories).toEqual(['GB']);
    expect(d.asset).not.toHaveProperty('custom');
    expect(d.asset).not.toHaveProperty('recommendation');
    expect(d.version).not.toHaveProperty('custom');
    expect(d.version).not.toHaveProperty('language');
    expect(AssetDescriptionSchema.parse(d)).toEqual(d);
  });

  it('turns a description back into catalog inputs that recreate the asset, version and parts', async () => {
    const { catalog, version } = await seeded();
    const d = await describeVersion(catalog, admin, version.id);
    const inputs = catalogInputsFrom(d, { project: 'archive', source: 'ebucore' });
    const target = createCatalog({ store: createMemoryCatalogStore() });
    await target.createAsset(admin, inputs.asset);
    const copy = await target.addVersion(admin, d.asset.id, inputs.version);
    await target.addAnnotations(admin, copy.id, inputs.annotations);
    expect(await describeVersion(target, admin, copy.id)).toEqual(d);
    expect((await target.listAnnotations(admin, copy.id))[0]?.provenance).toEqual({ kind: 'import', id: 'ebucore' });
  });
});
