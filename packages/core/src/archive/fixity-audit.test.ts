import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCatalog, createMemoryCatalogStore } from '../catalog/index.js';
import { isFramewiseError } from '../errors/index.js';
import { createMemoryStorage, createObjectStorage, type ObjectStorage } from '../storage/index.js';
import { type FileCopyInput, type FileIdentity, type FixityResult, repairCopy, runFixityAudit } from './index.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const DAY = 86_400_000;

/** Three files, each with copies at two locations, all last checked `daysAgo` days before `now`. */
async function library(daysAgo: number[]) {
  const now = new Date('2027-03-01T00:00:00Z');
  const stores = new Map<string, ObjectStorage>([
    ['disk', createObjectStorage(createMemoryStorage())],
    ['object', createObjectStorage(createMemoryStorage())],
  ]);
  const identities = new Map<string, FileIdentity>();
  const copies: FileCopyInput[] = [];
  let i = 0;
  for (const name of ['master', 'proxy', 'audio']) {
    const body = Buffer.from(`${name} essence `.repeat(1000));
    identities.set(name, { fileKey: name, sizeBytes: body.length, sha256: sha256(body) });
    for (const [locationId, storage] of stores) {
      await storage.put(`${name}.mxf`, body);
      const checkedAt = new Date(now.getTime() - (daysAgo[i++ % daysAgo.length] as number) * DAY).toISOString();
      copies.push({
        fileKey: name,
        locationId,
        key: `${name}.mxf`,
        sizeBytes: body.length,
        sha256: sha256(body),
        status: 'verified',
        verifiedAt: checkedAt,
        checkedAt,
      });
    }
  }
  const targets = () =>
    copies.map((copy) => ({ copy, identity: identities.get(copy.fileKey) as FileIdentity, assetId: 'low-tide-101' }));
  return { now, stores, copies, identities, targets, storages: (id: string) => stores.get(id) };
}

describe('runFixityAudit', () => {
  it('checks the copies checked longest ago first, within a budget, and reports coverage against the target', async () => {
    const lib = await library([100, 10, 95, 5, 80, 1]);
    const report = await runFixityAudit(lib.targets(), lib.storages, { coverageDays: 90, now: lib.now, maxCopies: 2 });
    expect(report.checked.map((r) => [r.copy.fileKey, r.copy.locationId, r.outcome])).toEqual([
      ['master', 'disk', 'verified'],
      ['proxy', 'disk', 'verified'],
    ]);
    expect(report.remaining).toBe(4);
    expect(report.coverage).toMatchObject({ copies: 6, withinWindow: 6, share: 1, met: true });
    expect(report.checked[0]?.copy.checkedAt).toBe(lib.now.toISOString());
    const strict = await runFixityAudit(lib.targets(), lib.storages, { coverageDays: 7, now: lib.now, maxCopies: 0 });
    expect(strict.coverage).toMatchObject({ withinWindow: 2, met: false });
  });

  it('finds a flipped byte and a missing copy as findings and audit events, and never repairs them itself', async () => {
    const lib = await library([30]);
    const catalog = createCatalog({ store: createMemoryCatalogStore() });
    const admin = { id: 'archivist', global: 'admin' as const };
    await catalog.createAsset(admin, {
      id: 'low-tide-101',
      project: 'drama',
      kind: 'episode',
      titles: [{ language: 'en', value: 'Low Tide' }],
    });
    const object = lib.stores.get('object') as ObjectStorage;
    const bytes = Buffer.from(await object.read('proxy.mxf'));
    bytes[100] = (bytes[100] as number) ^ 0x01;
    await object.put('proxy.mxf', bytes);
    await object.delete('audio.mxf');
    const report = await runFixityAudit(lib.targets(), lib.storages, {
      coverageDays: 90,
      now: lib.now,
      record: { catalog, actor: admin },
    });
    expect(report.findings.map((f) => [f.copy.fileKey, f.copy.locationId, f.outcome, f.copy.status])).toEqual([
      ['proxy', 'object', 'corrupt', 'corrupt'],
      ['audio', 'object', 'missing', 'missing'],
    ]);
    const corrupt = report.findings[0] as FixityResult;
    expect(corrupt.actual?.sha256).not.toBe(corrupt.expected.sha256);
    const events = (await catalog.readAudit(admin)).filter((e) => e.action.startsWith('fixity.'));
    // Copies are checked two at a time, so the events come in completion order.
    expect(events.map((e) => e.action).sort()).toEqual(['fixity.mismatch', 'fixity.missing']);
    // Still corrupt on disk: the audit reports, it does not repair.
    expect(sha256(await object.read('proxy.mxf'))).not.toBe(lib.identities.get('proxy')?.sha256);

    const source = lib.copies.find((c) => c.fileKey === 'proxy' && c.locationId === 'disk') as FileCopyInput;
    const repaired = await repairCopy(corrupt.copy, source, lib.identities.get('proxy') as FileIdentity, lib.storages, {
      now: lib.now,
      record: { catalog, actor: admin, assetId: 'low-tide-101' },
    });
    expect(repaired).toMatchObject({ status: 'verified', sha256: lib.identities.get('proxy')?.sha256 });
    expect(sha256(await object.read('proxy.mxf'))).toBe(lib.identities.get('proxy')?.sha256);
    expect((await catalog.readAudit(admin)).at(-1)?.action).toBe('fixity.repair');

    // A corrupt source is refused: repairs only ever copy bytes that match the file.
    await object.put('proxy.mxf', bytes);
    const refused = await repairCopy(
      source,
      corrupt.copy,
      lib.identities.get('proxy') as FileIdentity,
      lib.storages,
    ).catch((e: unknown) => e);
    expect(isFramewiseError(refused, 'INTEGRITY')).toBe(true);
    const disk = lib.stores.get('disk') as ObjectStorage;
    expect(sha256(await disk.read('proxy.mxf'))).toBe(lib.identities.get('proxy')?.sha256);
  });

  it('logs each result (findings at warn) and the run, dated by the clock', async () => {
    const lib = await library([40]);
    await lib.stores.get('object')?.delete('proxy.mxf');
    const logged: { level: string; fields: Record<string, unknown>; message: string }[] = [];
    const at =
      (level: string) =>
      (fields: Record<string, unknown>, message: string): void =>
        void logged.push({ level, fields, message });
    const logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
    const report = await runFixityAudit(lib.targets(), lib.storages, {
      coverageDays: 30,
      clock: { now: () => lib.now.getTime() },
      logger,
    });
    expect(report.checked[0]?.copy.checkedAt).toBe(lib.now.toISOString());
    expect(logged.filter((l) => l.level === 'warn')).toEqual([
      {
        level: 'warn',
        fields: {
          outcome: 'missing',
          fileKey: 'proxy',
          locationId: 'object',
          key: 'proxy.mxf',
          assetId: 'low-tide-101',
        },
        message: 'framewise fixity: copy missing',
      },
    ]);
    expect(logged.filter((l) => l.message === 'framewise fixity: copy verified')).toHaveLength(5);
    expect(logged.at(-1)).toMatchObject({
      level: 'info',
      fields: { checked: 6, findings: 1, remaining: 0, copies: 6, withinWindow: 6, coverageDays: 30 },
    });
  });

  it('resumes: an interrupted run keeps what it checked, and the next run checks the rest', async () => {
    const lib = await library([50]);
    const state = new Map(lib.copies.map((c) => [`${c.fileKey}@${c.locationId}`, c]));
    const controller = new AbortController();
    let seen = 0;
    const first = await runFixityAudit(lib.targets(), lib.storages, {
      coverageDays: 30,
      now: lib.now,
      concurrency: 1,
      signal: controller.signal,
      onChecked: (r) => {
        state.set(`${r.copy.fileKey}@${r.copy.locationId}`, r.copy);
        if (++seen === 2) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect(isFramewiseError(first, 'CANCELLED')).toBe(true);
    const next = await runFixityAudit(
      [...state.values()].map((copy) => ({ copy, identity: lib.identities.get(copy.fileKey) as FileIdentity })),
      lib.storages,
      { coverageDays: 30, now: new Date(lib.now.getTime() + 60_000), maxCopies: 4 },
    );
    expect(next.checked.map((r) => `${r.copy.fileKey}@${r.copy.locationId}`)).toEqual([
      'proxy@disk',
      'proxy@object',
      'audio@disk',
      'audio@object',
    ]);
    expect(next.coverage.met).toBe(true);
  });

  it('refuses a repair between different files, or from a location with no storage', async () => {
    const lib = await library([1]);
    const copy = (fileKey: string, locationId: string) =>
      lib.copies.find((c) => c.fileKey === fileKey && c.locationId === locationId) as FileCopyInput;
    const [masterDisk, masterObject, proxyDisk] = [
      copy('master', 'disk'),
      copy('master', 'object'),
      copy('proxy', 'disk'),
    ];
    const master = lib.identities.get('master') as FileIdentity;
    const mixed = await repairCopy(masterObject, proxyDisk, master, lib.storages).catch((e: unknown) => e);
    expect(isFramewiseError(mixed, 'INVALID_INPUT')).toBe(true);
    expect(String(mixed)).toContain('"master" from "proxy"');
    const nowhere = await repairCopy({ ...masterObject, locationId: 'tape-7' }, masterDisk, master, lib.storages).catch(
      (e: unknown) => e,
    );
    expect(isFramewiseError(nowhere, 'NOT_FOUND')).toBe(true);
    expect(String(nowhere)).toContain('tape-7');
  });

  it('refuses a bad coverage target and a malformed copy, naming them', async () => {
    const lib = await library([1]);
    const zero = await runFixityAudit(lib.targets(), lib.storages, { coverageDays: 0 }).catch((e: unknown) => e);
    expect(isFramewiseError(zero, 'INVALID_INPUT')).toBe(true);
    const typo = await runFixityAudit(lib.targets(), lib.storages, { coverageDays: 30, maxCopys: 1 } as never).catch(
      (e: unknown) => e,
    );
    expect(isFramewiseError(typo, 'INVALID_INPUT')).toBe(true);
    expect(String(typo)).toContain('Unrecognized key: "maxCopys"');
    const bad = await runFixityAudit(
      [
        {
          copy: { ...(lib.copies[0] as FileCopyInput), sha256: 'nope' },
          identity: lib.identities.get('master') as FileIdentity,
        },
      ],
      lib.storages,
      { coverageDays: 30 },
    ).catch((e: unknown) => e);
    expect(isFramewiseError(bad, 'INVALID_INPUT')).toBe(true);
    expect(String(bad)).toContain('master');
  });
});
