/** The custom adapter example: it passes the port's conformance suite, and its program runs. */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { distributionAdapterConformance } from '@framewise/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createPartnerAdapter } from '../custom-distribution-adapter/partner-adapter.js';
import { type PartnerServer, startPartnerServer } from '../custom-distribution-adapter/partner-server.js';

const examples = join(dirname(fileURLToPath(import.meta.url)), '..');
const server: PartnerServer = await startPartnerServer('token-1');
afterAll(() => server.stop());

distributionAdapterConformance('partner HTTP adapter (examples/custom-distribution-adapter)', {
  create: () => createPartnerAdapter({ baseUrl: server.baseUrl, token: 'token-1' }),
  remoteItems: async () => [...server.packages.keys()],
  fetchFile: async (_a, id, name) => server.packages.get(id)?.files[name]?.sha256,
  faults: {
    down: async () => {
      server.down = true;
    },
    up: async () => {
      server.down = false;
    },
  },
});

describe('partner adapter', () => {
  it('asks for credentials when the token is refused', async () => {
    const adapter = createPartnerAdapter({ baseUrl: server.baseUrl, token: 'wrong' });
    const outcome = await adapter.poll({ remoteId: 'x', remoteFiles: {}, progress: undefined, save: async () => {} });
    expect(outcome).toMatchObject({ kind: 'auth-required' });
  });

  it('runs the example program: delivered at sunrise, updated, taken down at sunset', async () => {
    const { stdout } = await promisify(execFile)('pnpm', ['run', '--silent', 'custom-adapter'], { cwd: examples });
    expect(stdout).toContain('before sunrise: 0 package(s) at the partner');
    expect(stdout).toContain('at sunrise: "Harbour Lights" delivered (main)');
    expect(stdout).toContain('after a change: "Harbour Lights (Director’s Cut)" (updated in place)');
    expect(stdout).toContain(
      'at sunset: 0 package(s) left; history pending → submitting → live → updating → live → removing → removed',
    );
  });
});
