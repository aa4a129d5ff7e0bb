import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { type TrackKeyType, TrackKeyTypeSchema } from '../../assets/index.js';
import { FramewiseError } from '../../errors/index.js';
import { parseOptions } from '../../support/index.js';
import { type ContentKey, contentKey } from './content-key.js';
import type { KeyProvider, KeyRequest } from './key-provider.js';

const KeyHexSchema = z.string().regex(/^(?:[0-9a-fA-F]{32}|[0-9a-fA-F-]{36})$/, 'must be 32 hex digits or a UUID');

/** Options of {@link createLocalKeyProvider}. */
export const LocalKeyProviderOptionsSchema = z
  .object({
    /**
     * Fixed keys per track type (`{ hd: { kid, key } }`), used for every content id. Track types
     * without one get a random key per content id, kept for the provider's lifetime.
     */
    keys: z.partialRecord(TrackKeyTypeSchema, z.object({ kid: KeyHexSchema, key: KeyHexSchema }).strict()).optional(),
    /** Refuse to make up keys: a track type without a fixed key is `NOT_FOUND` (default false). */
    fixedOnly: z.boolean().default(false),
  })
  .strict();

/** Options of {@link createLocalKeyProvider}, as written. */
export type LocalKeyProviderOptions = z.input<typeof LocalKeyProviderOptionsSchema>;

/**
 * A {@link KeyProvider} that holds raw keys in memory: the given fixed keys, or random 128-bit
 * keys and KIDs from `node:crypto` made on first request and remembered per content id and track
 * type (so HLS and DASH twins, and a re-package, get the same keys). For tests, demos and hosts
 * that keep their keys elsewhere and hand them in; a production key server goes behind the same
 * port.
 *
 * @throws `INVALID_CONFIG` for a malformed option.
 */
export function createLocalKeyProvider(options: LocalKeyProviderOptions = {}): KeyProvider {
  const parsed = parseOptions(LocalKeyProviderOptionsSchema, options, 'Local key provider options');
  const fixed = new Map<TrackKeyType, ContentKey>();
  for (const [type, k] of Object.entries(parsed.keys ?? {}))
    if (k !== undefined) fixed.set(type as TrackKeyType, contentKey(k.kid, k.key));
  const made = new Map<string, ContentKey>();
  return {
    async contentKeys(request: KeyRequest): Promise<ReadonlyMap<TrackKeyType, ContentKey>> {
      if (typeof request?.contentId !== 'string' || request.contentId === '')
        throw new FramewiseError('INVALID_INPUT', 'Key request has no contentId', { details: {} });
      const out = new Map<TrackKeyType, ContentKey>();
      for (const type of request.trackTypes) {
        const given = fixed.get(type);
        if (given !== undefined) {
          out.set(type, given);
          continue;
        }
        if (parsed.fixedOnly)
          throw new FramewiseError('NOT_FOUND', `Local key provider holds no key for track type "${type}"`, {
            details: { contentId: request.contentId, trackType: type },
          });
        const id = `${request.contentId}\u0000${type}`;
        let key = made.get(id);
        if (key === undefined) {
          key = contentKey(randomBytes(16).toString('hex'), randomBytes(16).toString('hex'));
          made.set(id, key);
        }
        out.set(type, key);
      }
      return out;
    },
  };
}
