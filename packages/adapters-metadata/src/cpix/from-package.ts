import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DrmPolicyInput, TrackKeyType } from '@framewise/core/assets';
import { FramewiseError } from '@framewise/core/errors';
import {
  type CmafPackage,
  type ContentKey,
  DRM_SYSTEM_IDS,
  keyUsageRules,
  parseDrmPolicy,
  readProtectionBoxes,
} from '@framewise/core/transcode';
import type { CpixContentKey, CpixDocument, CpixDrmSystem, CpixUsageRule } from './model.js';

/** Options of {@link cpixFromPackage}. */
export interface CpixFromPackageOptions {
  /** The keys the package was encrypted with, by track key type (from the same `KeyProvider`). */
  readonly keys: ReadonlyMap<TrackKeyType, ContentKey>;
  /** The title's DRM policy (the same one given to `packageCmaf`): its usage rules are exported. */
  readonly policy?: DrmPolicyInput;
  /** Write the key values (default true); `false` writes a key list without secrets (a request, or a signalling-only document). */
  readonly includeKeys?: boolean;
}

const FAIRPLAY_KEYFORMAT = 'com.apple.streamingkeydelivery';

/**
 * The CPIX document of an encrypted CMAF package: one content key per key id used (with its
 * scheme), the PSSH box of each DRM system and key as the packager wrote it into the init
 * segments, FairPlay's `#EXT-X-KEY` line and `skd://` URI from the media playlists, and one usage
 * rule per track key type (`intendedTrackType` SD/HD/UHD/AUDIO with the policy's pixel ranges).
 *
 * @throws `INVALID_INPUT` when the package is clear or a key of the package is not in `keys`.
 */
export async function cpixFromPackage(pkg: CmafPackage, options: CpixFromPackageOptions): Promise<CpixDocument> {
  const enc = pkg.encryption;
  if (enc === undefined)
    throw new FramewiseError(
      'INVALID_INPUT',
      `Package ${JSON.stringify(pkg.directory)} is not encrypted: no CPIX to write`,
      {
        details: { directory: pkg.directory },
      },
    );
  const types = Object.keys(enc.kids) as TrackKeyType[];
  const contentKeys: CpixContentKey[] = [];
  for (const t of types) {
    const key = options.keys.get(t);
    if (key === undefined || key.kid !== enc.kids[t])
      throw new FramewiseError('INVALID_INPUT', `No key given for track type "${t}" (key id ${enc.kids[t]})`, {
        details: { trackType: t },
      });
    if (contentKeys.some((k) => k.kid === key.kid)) continue;
    contentKeys.push({
      kid: key.kid,
      ...(options.includeKeys === false ? {} : { value: key }),
      commonEncryptionScheme: enc.scheme,
    });
  }
  const systems = new Map<string, CpixDrmSystem>();
  for (const track of pkg.tracks) {
    if (track.kid === undefined) continue;
    const head = track.files.find((f) => f.endsWith('.mp4'));
    if (head !== undefined) {
      const boxes = readProtectionBoxes(await readFile(join(pkg.directory, head)));
      for (const p of boxes.pssh) {
        const id = `${track.kid}/${p.systemId}`;
        if (systems.has(id) || (p.kids.length > 0 && !p.kids.includes(track.kid))) continue;
        if (p.systemId === DRM_SYSTEM_IDS.common) continue;
        systems.set(id, { kid: track.kid, systemId: p.systemId, pssh: p.box });
      }
    }
    const playlist = track.files.find((f) => f.endsWith('.m3u8') && !f.includes('_iframe'));
    if (playlist !== undefined && enc.systems.includes('fairplay')) {
      const text = await readFile(join(pkg.directory, playlist), 'utf8');
      const line = text.split('\n').find((l) => l.startsWith('#EXT-X-KEY:') && l.includes(FAIRPLAY_KEYFORMAT));
      const uri = line === undefined ? undefined : /URI="([^"]*)"/.exec(line)?.[1];
      const id = `${track.kid}/${DRM_SYSTEM_IDS.fairplay}`;
      if (line !== undefined && !systems.has(id))
        systems.set(id, {
          kid: track.kid,
          systemId: DRM_SYSTEM_IDS.fairplay,
          ...(uri === undefined ? {} : { uriExtXKey: uri }),
          hlsSignalingData: { media: line.trim() },
        });
    }
  }
  const policy = parseDrmPolicy(
    options.policy ?? { systems: [...enc.systems], licenseServerRef: 'framewise-default', keys: 'per-track-type' },
  );
  const usageRules: CpixUsageRule[] = keyUsageRules(policy, types).map((r) => ({
    kid: enc.kids[r.trackType] as string,
    intendedTrackType: r.trackType.toUpperCase(),
    ...(r.video === undefined ? {} : { videoFilters: [r.video] }),
    ...(r.audio === undefined ? {} : { audioFilters: [r.audio] }),
  }));
  return { contentId: pkg.contentId, contentKeys, drmSystems: [...systems.values()], usageRules };
}
