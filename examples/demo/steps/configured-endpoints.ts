/**
 * Demo sub-step: delivery to real endpoints, when the environment names them — an SFTP server, an
 * FTP/FTPS server, a YouTube channel. Each gets the title inside its rights window, is polled until
 * the endpoint confirms it, and is taken down at the window's sunset, so a demo run leaves nothing
 * behind. Without configuration the step says which variables to set.
 *
 * - SFTP: `FRAMEWISE_DEMO_SFTP=sftp://user@host:port/absolute/root`, `FRAMEWISE_DEMO_SFTP_KEY_FILE`,
 *   `FRAMEWISE_DEMO_SFTP_HOST_KEY` (`SHA256:…`).
 * - FTP: `FRAMEWISE_DEMO_FTP=ftps://user:password@host:port/root` (explicit TLS; `ftp://` for plain
 *   FTP), optional `FRAMEWISE_DEMO_FTP_CA_FILE`.
 * - YouTube: `YOUTUBE_CLIENT_ID`, `YOUTUBE_CLIENT_SECRET`, `YOUTUBE_REFRESH_TOKEN`; optional
 *   `YOUTUBE_PRIVACY` (default `private`, so a demo never publishes by accident),
 *   `YOUTUBE_API_BASE_URL` and `YOUTUBE_TOKEN_URL` (a local server).
 */
import { readFileSync } from 'node:fs';
import { createFtpEndpoint } from '@framewise/adapters-distribution/ftp';
import { createSftpEndpoint } from '@framewise/adapters-distribution/sftp';
import {
  createYouTubeEndpoint,
  memoryTokenStore,
  youtubeMetadataFields,
} from '@framewise/adapters-distribution/youtube';
import type { Catalog } from '@framewise/core/catalog';
import {
  createDistributor,
  createMemoryDistributionStore,
  type DeliveryProfileInput,
  type DeliverySource,
  type DistributionEndpoint,
} from '@framewise/core/delivery';
import { FramewiseError } from '@framewise/core/errors';
import type { RightsEngine } from '@framewise/core/rights';
import { note, table } from '../print.js';
import { demoEditor } from './catalog.js';

type Fields = DistributionEndpoint['fields'];

const DROP_PROFILE = (id: string): DeliveryProfileInput => ({
  id,
  name: `Playout drop (${id})`,
  renditions: [{ name: 'hd', container: 'mp4', videoCodec: 'h264', height: 1080 }],
  metadata: [{ field: 'title', maxLength: 100 }],
  rights: { channel: 'free-tv', territories: ['GB'] },
});

const YOUTUBE_PROFILE: DeliveryProfileInput = {
  id: 'youtube',
  name: 'YouTube channel',
  renditions: [{ name: 'main', container: 'mp4', videoCodec: 'h264', height: 1080 }],
  thumbnails: [{ width: 1280, height: 720 }],
  metadata: [...youtubeMetadataFields],
  rights: { channel: 'avod', territories: ['GB'] },
};

/** The endpoints the environment configures (none by default). */
export function configuredEndpoints(env: NodeJS.ProcessEnv, fields: Fields): DistributionEndpoint[] {
  const endpoints: DistributionEndpoint[] = [];
  if (env.FRAMEWISE_DEMO_SFTP !== undefined) {
    const url = new URL(env.FRAMEWISE_DEMO_SFTP);
    endpoints.push({
      id: 'sftp-playout',
      profile: DROP_PROFILE('sftp-playout'),
      fields,
      adapter: createSftpEndpoint({
        host: url.hostname,
        port: Number(url.port || 22),
        username: decodeURIComponent(url.username),
        privateKey: readFileSync(required(env, 'FRAMEWISE_DEMO_SFTP_KEY_FILE'), 'utf8'),
        hostKeySha256: required(env, 'FRAMEWISE_DEMO_SFTP_HOST_KEY'),
        root: decodeURIComponent(url.pathname) || '/',
        packagePath: '{assetId}/v{revision}',
      }),
    });
  }
  if (env.FRAMEWISE_DEMO_FTP !== undefined) {
    const url = new URL(env.FRAMEWISE_DEMO_FTP);
    endpoints.push({
      id: 'ftp-playout',
      profile: DROP_PROFILE('ftp-playout'),
      fields,
      adapter: createFtpEndpoint({
        host: url.hostname,
        port: Number(url.port || 21),
        user: decodeURIComponent(url.username),
        password: decodeURIComponent(url.password),
        tls: url.protocol === 'ftp:' ? 'none' : 'explicit',
        ...(env.FRAMEWISE_DEMO_FTP_CA_FILE === undefined
          ? {}
          : { ca: readFileSync(env.FRAMEWISE_DEMO_FTP_CA_FILE, 'utf8') }),
        root: decodeURIComponent(url.pathname) || '/',
        packagePath: '{assetId}/v{revision}',
      }),
    });
  }
  if (env.YOUTUBE_REFRESH_TOKEN !== undefined) {
    endpoints.push({
      id: 'youtube',
      profile: YOUTUBE_PROFILE,
      fields: (s) => ({
        title: s.asset.titles[0]?.value,
        description: s.asset.synopses[0]?.value,
        categoryId: '24',
      }),
      adapter: createYouTubeEndpoint({
        clientId: required(env, 'YOUTUBE_CLIENT_ID'),
        clientSecret: required(env, 'YOUTUBE_CLIENT_SECRET'),
        tokens: memoryTokenStore({ refreshToken: env.YOUTUBE_REFRESH_TOKEN }),
        privacyStatus: (env.YOUTUBE_PRIVACY ?? 'private') as 'public' | 'unlisted' | 'private',
        ...(env.YOUTUBE_API_BASE_URL === undefined ? {} : { apiBaseUrl: env.YOUTUBE_API_BASE_URL }),
        ...(env.YOUTUBE_TOKEN_URL === undefined ? {} : { tokenUrl: env.YOUTUBE_TOKEN_URL }),
      }),
    });
  }
  return endpoints;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value === '')
    throw new FramewiseError('INVALID_CONFIG', `The demo needs ${name} for this endpoint`, { details: { name } });
  return value;
}

/**
 * Deliver the title to every configured endpoint, wait for each to confirm, then take it down at
 * the sunset of its window (the distributor's clock jumps there).
 */
export async function deliverToConfigured(options: {
  readonly catalog: Catalog;
  readonly source: DeliverySource;
  readonly rights: RightsEngine;
  readonly assetId: string;
  readonly versionId: string;
  readonly fields: Fields;
}): Promise<void> {
  const endpoints = configuredEndpoints(process.env, options.fields);
  if (endpoints.length === 0) {
    note(
      'FTP/SFTP/YouTube: not configured (set FRAMEWISE_DEMO_SFTP, FRAMEWISE_DEMO_FTP or YOUTUBE_REFRESH_TOKEN; see docs/distribution.md)',
    );
    return;
  }
  let skew = 0;
  const distributor = createDistributor({
    store: createMemoryDistributionStore(),
    endpoints,
    source: options.source,
    rights: options.rights,
    clock: { now: () => Date.now() + skew },
    pollIntervalMs: 1000,
    retry: { baseMs: 1000, maxMs: 5000 },
    audit: { catalog: options.catalog, actor: demoEditor },
  });
  try {
    const rows: string[][] = [];
    for (const endpoint of endpoints) {
      const submitted = await distributor.submit(options.assetId, endpoint.id, { versionId: options.versionId });
      // Sweep until the endpoint confirms (YouTube processes for a while) or gives up.
      const until = Date.now() + 10 * 60_000;
      let record = submitted;
      while (Date.now() < until) {
        await distributor.sweep();
        record = (await distributor.get(options.assetId, endpoint.id)) ?? record;
        if (!['pending', 'queued', 'submitting', 'processing'].includes(record.state)) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      const delivered = record.state;
      const remoteId = record.remoteId ?? '—';
      skew = Date.parse(record.window.sunset ?? new Date().toISOString()) - Date.now();
      await distributor.sweep();
      for (let i = 0; i < 20; i++) {
        record = (await distributor.get(options.assetId, endpoint.id)) ?? record;
        if (record.state !== 'removing') break;
        skew += 1000;
        await distributor.sweep();
      }
      skew = 0;
      rows.push([endpoint.id, delivered, remoteId, record.state, record.lastError?.message.slice(0, 80) ?? '']);
    }
    table(['endpoint', 'delivered', 'remote id', 'after sunset', 'last error'], rows);
  } finally {
    await distributor.close();
  }
}
