import { FramewiseError } from '@framewise/core/errors';
import { contentKey } from '@framewise/core/transcode';
import { parseXml, type XmlElement, type XmlParseOptions } from '../xml/parser.js';
import { XmlQuery } from '../xml/query.js';
import {
  CPIX_NS,
  type CpixAudioFilter,
  type CpixBitrateFilter,
  type CpixContentKey,
  type CpixDocument,
  type CpixDrmSystem,
  type CpixUsageRule,
  type CpixVideoFilter,
  PSKC_NS,
} from './model.js';

const UUID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function base64(q: XmlQuery, at: XmlElement, text: string, what: string): Buffer {
  const t = text.replace(/\s+/g, '');
  if (!BASE64.test(t)) q.fail(at, `${what} is not base64`);
  return Buffer.from(t, 'base64');
}

function kidOf(q: XmlQuery, el: XmlElement): string {
  const kid = q.attr(el, 'kid');
  if (kid === undefined || !UUID.test(kid)) q.fail(el, `<${el.name}> kid ${JSON.stringify(kid ?? '')} is not a UUID`);
  return (kid as string).replace(/-/g, '').toLowerCase();
}

/**
 * Read a CPIX 2.x document with the repository's safe XML reader (saxes underneath; no DOCTYPE,
 * no entities, bounded size and depth): content keys (clear PSKC values, 16 bytes each), DRM
 * system signalling (base64 fields decoded) and usage rules with their filters. Every DRMSystem
 * and usage rule must name a key of the content key list. Keys come back as `ContentKey`s, which
 * never serialise their value.
 *
 * @throws `INVALID_INPUT` naming the line and column (not CPIX, a bad key id, a key that is not
 * 16 bytes, bad base64, a reference to an unknown key); `UNSUPPORTED` for an encrypted key
 * (`pskc:EncryptedValue`, which needs the document key of DeliveryData).
 */
export function readCpix(input: string | Uint8Array, options: XmlParseOptions = {}): CpixDocument {
  const doc = parseXml(input, { source: options.source ?? 'CPIX document', ...options });
  const q = new XmlQuery(doc);
  const root = q.root;
  if (root.ns !== CPIX_NS || root.name !== 'CPIX')
    q.fail(root, `the root is <${root.name}>, not a CPIX document (${CPIX_NS})`);
  const contentKeys: CpixContentKey[] = [];
  const kids = new Set<string>();
  for (const list of q.all(root, CPIX_NS, 'ContentKeyList'))
    for (const el of q.all(list, CPIX_NS, 'ContentKey')) {
      const kid = kidOf(q, el);
      if (kids.has(kid)) q.fail(el, `content key ${kid} is listed twice`);
      kids.add(kid);
      const scheme = q.attr(el, 'commonEncryptionScheme');
      const ivText = q.attr(el, 'explicitIV');
      const iv = ivText === undefined ? undefined : base64(q, el, ivText, 'explicitIV');
      if (iv !== undefined && iv.length !== 16) q.fail(el, `explicitIV of ${kid} is ${iv.length} bytes, not 16`);
      let value: CpixContentKey['value'];
      const secret = q.first(q.first(el, CPIX_NS, 'Data') ?? el, PSKC_NS, 'Secret');
      if (secret !== undefined) {
        if (q.first(secret, PSKC_NS, 'EncryptedValue') !== undefined) {
          const { line, column } = doc.position(secret.offset);
          throw new FramewiseError(
            'UNSUPPORTED',
            `${doc.source}, line ${line}, column ${column}: content key ${kid} is encrypted (pskc:EncryptedValue); encrypted CPIX documents are not supported`,
            { details: { source: doc.source, line, column, kid } },
          );
        }
        const plain = q.first(secret, PSKC_NS, 'PlainValue');
        if (plain !== undefined) {
          const bytes = base64(q, plain, q.text(plain), `the key of ${kid}`);
          if (bytes.length !== 16) q.fail(plain, `the key of ${kid} is ${bytes.length} bytes, not 16`);
          value = contentKey(kid, bytes.toString('hex'));
        }
      }
      contentKeys.push({
        kid,
        ...(value === undefined ? {} : { value }),
        ...(scheme === undefined ? {} : { commonEncryptionScheme: scheme }),
        ...(iv === undefined ? {} : { explicitIv: iv.toString('hex') }),
      });
    }
  const known = (el: XmlElement): string => {
    const kid = kidOf(q, el);
    if (!kids.has(kid)) q.fail(el, `<${el.name}> names key ${kid}, which is not in the content key list`);
    return kid;
  };
  const drmSystems: CpixDrmSystem[] = [];
  for (const list of q.all(root, CPIX_NS, 'DRMSystemList'))
    for (const el of q.all(list, CPIX_NS, 'DRMSystem')) {
      const kid = known(el);
      const systemId = q.attr(el, 'systemId') ?? '';
      if (!UUID.test(systemId)) q.fail(el, `systemId ${JSON.stringify(systemId.slice(0, 40))} is not a UUID`);
      const text = (name: string) => {
        const child = q.first(el, CPIX_NS, name);
        return child === undefined ? undefined : base64(q, child, q.text(child), name);
      };
      const pssh = text('PSSH');
      const cpd = text('ContentProtectionData');
      const uri = text('URIExtXKey');
      const hls: { master?: string; media?: string } = {};
      for (const h of q.all(el, CPIX_NS, 'HLSSignalingData')) {
        const playlist = q.attr(h, 'playlist') ?? 'media';
        if (playlist !== 'master' && playlist !== 'media')
          q.fail(h, `HLSSignalingData playlist ${JSON.stringify(playlist)}`);
        hls[playlist as 'master' | 'media'] = base64(q, h, q.text(h), 'HLSSignalingData').toString('utf8');
      }
      drmSystems.push({
        kid,
        systemId: systemId.toLowerCase(),
        ...(pssh === undefined ? {} : { pssh: new Uint8Array(pssh) }),
        ...(cpd === undefined ? {} : { contentProtectionData: cpd.toString('utf8') }),
        ...(uri === undefined ? {} : { uriExtXKey: uri.toString('utf8') }),
        ...(Object.keys(hls).length === 0 ? {} : { hlsSignalingData: hls }),
      });
    }
  const usageRules: CpixUsageRule[] = [];
  for (const list of q.all(root, CPIX_NS, 'ContentKeyUsageRuleList'))
    for (const el of q.all(list, CPIX_NS, 'ContentKeyUsageRule')) {
      const kid = known(el);
      const int = (f: XmlElement, name: string) => q.int(f, q.attr(f, name), name);
      const bool = (f: XmlElement, name: string) => q.bool(f, q.attr(f, name), name);
      const defined = <T extends object>(o: T): T =>
        Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
      const videoFilters = q.all(el, CPIX_NS, 'VideoFilter').map(
        (f) =>
          defined({
            minPixels: int(f, 'minPixels'),
            maxPixels: int(f, 'maxPixels'),
            hdr: bool(f, 'hdr'),
            wcg: bool(f, 'wcg'),
            minFps: int(f, 'minFps'),
            maxFps: int(f, 'maxFps'),
          }) as CpixVideoFilter,
      );
      const audioFilters = q
        .all(el, CPIX_NS, 'AudioFilter')
        .map(
          (f) => defined({ minChannels: int(f, 'minChannels'), maxChannels: int(f, 'maxChannels') }) as CpixAudioFilter,
        );
      const bitrateFilters = q
        .all(el, CPIX_NS, 'BitrateFilter')
        .map(
          (f) => defined({ minBitrate: int(f, 'minBitrate'), maxBitrate: int(f, 'maxBitrate') }) as CpixBitrateFilter,
        );
      const labelFilters = q
        .all(el, CPIX_NS, 'LabelFilter')
        .map((f) => q.attr(f, 'label') ?? q.fail(f, 'LabelFilter without label'));
      const type = q.attr(el, 'intendedTrackType');
      usageRules.push({
        kid,
        ...(type === undefined ? {} : { intendedTrackType: type }),
        ...(labelFilters.length > 0 ? { labelFilters } : {}),
        ...(videoFilters.length > 0 ? { videoFilters } : {}),
        ...(audioFilters.length > 0 ? { audioFilters } : {}),
        ...(bitrateFilters.length > 0 ? { bitrateFilters } : {}),
      });
    }
  const contentId = q.attr(root, 'contentId');
  const version = q.attr(root, 'version');
  return {
    ...(contentId === undefined ? {} : { contentId }),
    ...(version === undefined ? {} : { version }),
    contentKeys,
    drmSystems,
    usageRules,
  };
}
