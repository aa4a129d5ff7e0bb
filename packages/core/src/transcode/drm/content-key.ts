import { inspect } from 'node:util';
import { FramewiseError } from '../../errors/index.js';

const HEX16 = /^[0-9a-f]{32}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A content key: its key id (KID) and the 128-bit AES key, both as 32 lowercase hex digits. The
 * key is a non-enumerable property and the object serialises (`JSON.stringify`, `util.inspect`,
 * pino) as `{ kid, key: "[redacted]" }`, so a key handed around in logs or error details never
 * shows. Make one with {@link contentKey}.
 */
export interface ContentKey {
  /** Key id, 32 lowercase hex digits (16 bytes). */
  readonly kid: string;
  /** AES-128 key, 32 lowercase hex digits. Never logged. */
  readonly key: string;
  /** Optional constant IV (16 bytes for `cbcs`, 8 or 16 for `cenc`), hex; the packager picks random IVs when absent. */
  readonly iv?: string;
}

/** A KID or key in hex (32 digits, either case, optional dashes as in a UUID) normalised to 32 lowercase digits. */
export function normaliseKeyHex(value: string, what: string): string {
  const hex = typeof value === 'string' ? value.replace(/-/g, '').toLowerCase() : '';
  if (!HEX16.test(hex))
    throw new FramewiseError('INVALID_INPUT', `${what} must be 16 bytes as 32 hex digits (or a UUID)`, {
      // The value itself is left out: it may be a key.
      details: { what, length: typeof value === 'string' ? value.length : typeof value },
    });
  return hex;
}

/**
 * A {@link ContentKey} from a KID and a key (hex or UUID form), validated, with the key hidden
 * from serialisation.
 *
 * @throws `INVALID_INPUT` when the KID, key or IV is not 16 bytes of hex (8 allowed for an IV); the message never holds the key.
 */
export function contentKey(kid: string, key: string, iv?: string): ContentKey {
  const k = normaliseKeyHex(kid, 'Content key id');
  const secret = normaliseKeyHex(key, `Content key of KID ${k}`);
  let ivHex: string | undefined;
  if (iv !== undefined) {
    ivHex = typeof iv === 'string' ? iv.toLowerCase() : '';
    if (!/^(?:[0-9a-f]{16}|[0-9a-f]{32})$/.test(ivHex))
      throw new FramewiseError('INVALID_INPUT', `IV of KID ${k} must be 8 or 16 bytes of hex`, { details: { kid: k } });
  }
  const out = { kid: k, ...(ivHex === undefined ? {} : { iv: ivHex }) } as { kid: string; key: string; iv?: string };
  Object.defineProperty(out, 'key', { value: secret, enumerable: false });
  const redacted = () => ({ kid: k, key: '[redacted]', ...(ivHex === undefined ? {} : { iv: ivHex }) });
  Object.defineProperty(out, 'toJSON', { value: redacted, enumerable: false });
  Object.defineProperty(out, inspect.custom, { value: () => `ContentKey ${inspect(redacted())}`, enumerable: false });
  return Object.freeze(out);
}

/** A 32-digit hex KID as a UUID (`8-4-4-4-12`), the form CPIX and DASH `cenc:default_KID` use. */
export function kidToUuid(kid: string): string {
  const h = normaliseKeyHex(kid, 'Key id');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** True when `value` is a UUID in lowercase `8-4-4-4-12` form. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
