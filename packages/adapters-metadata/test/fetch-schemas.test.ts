import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { schemaRoot } from '@framewise/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '..', '..', '..');
const lock = JSON.parse(readFileSync(join(repo, 'scripts', 'schemas.lock.json'), 'utf8')) as {
  files: { path: string; repo: string; commit: string; source: string }[];
};
const run = promisify(execFile);

/**
 * scripts/fetch-schemas.mjs against a local mirror laid out like raw.githubusercontent.com
 * (OWNER/REPO/COMMIT/PATH), served from the schemas the tests use, one file optionally corrupted.
 */
describe('fetch-schemas script', () => {
  let server: Server;
  let base: string;
  let corrupt: string | undefined;
  beforeAll(async () => {
    const local = schemaRoot();
    const byUrl = new Map(lock.files.map((f) => [`/${f.repo}/${f.commit}/${f.source}`, join(local, f.path)]));
    server = createServer((req, res) => {
      // Several lock entries share a URL (the same xml.xsd): any of them serves it.
      const file = byUrl.get(req.url ?? '');
      if (file === undefined) {
        res.writeHead(404).end();
        return;
      }
      const data = readFileSync(file);
      res.writeHead(200).end(req.url === corrupt ? Buffer.concat([data, Buffer.from(' ')]) : data);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('fetches every file, checks its sha256 and writes the glue that makes them validate offline', async () => {
    const out = await mkdtemp(join(tmpdir(), 'fw-schemas-'));
    try {
      const { stdout } = await run('node', [join(repo, 'scripts', 'fetch-schemas.mjs'), '--out', out, '--base', base]);
      expect(stdout).toContain(`${lock.files.length} schema files fetched and verified`);
      const sample = join(schemaRoot(), 'bxf', 'samples', 'schedule-playlist.2017.xml');
      await run('xmllint', ['--nonet', '--noout', '--schema', join(out, 'bxf', 'bxf-2017.xsd'), sample]);
      const ebu = join(schemaRoot(), 'ebucore', 'samples', 'minimal-video-asset.xml');
      await run('xmllint', ['--nonet', '--noout', '--schema', join(out, 'ebucore', 'ebucore.xsd'), ebu], {
        env: { ...process.env, XML_CATALOG_FILES: join(out, 'ebucore', 'catalog.xml') },
      });
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('fails loudly when a file does not match its pinned digest', async () => {
    const victim = lock.files.find((f) => f.path === 'bxf/2022/schedule.xsd');
    corrupt = `/${victim?.repo}/${victim?.commit}/${victim?.source}`;
    const out = await mkdtemp(join(tmpdir(), 'fw-schemas-'));
    try {
      const error = await run('node', [join(repo, 'scripts', 'fetch-schemas.mjs'), '--out', out, '--base', base]).catch(
        (e: { code: number; stderr: string }) => e,
      );
      expect(error).toMatchObject({ code: 1 });
      expect((error as { stderr: string }).stderr).toMatch(
        /FAILED bxf\/2022\/schedule\.xsd .*sha256 [0-9a-f]{64}, expected/,
      );
    } finally {
      corrupt = undefined;
      await rm(out, { recursive: true, force: true });
    }
  });
});
