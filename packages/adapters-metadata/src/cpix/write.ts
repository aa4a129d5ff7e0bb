import { FramewiseError } from '@framewise/core/errors';
import { kidToUuid, normaliseKeyHex } from '@framewise/core/transcode';
import { assertXmlText } from '../xml/chars.js';
import { XmlWriter } from '../xml/writer.js';
import { CPIX_NS, CPIX_VERSION, type CpixDocument, type CpixUsageRule, PSKC_NS } from './model.js';

const SCHEME = /^(?:cenc|cbcs|cens|cbc1)$/;
const SYSTEM_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TRACK_TYPE = /^[A-Za-z0-9_-]{1,32}$/;

const b64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
const b64text = (text: string) => Buffer.from(text, 'utf8').toString('base64');

function integer(value: number | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < 0)
    throw new FramewiseError('INVALID_INPUT', `CPIX ${what} ${String(value)} must be a whole number ≥ 0`, {
      details: { what },
    });
  return value;
}

function rule(w: XmlWriter, r: CpixUsageRule, kids: ReadonlySet<string>): void {
  const kid = normaliseKeyHex(r.kid, 'CPIX usage rule kid');
  if (!kids.has(kid))
    throw new FramewiseError(
      'INVALID_INPUT',
      `CPIX usage rule names key ${kid}, which is not in the content key list`,
      {
        details: { kid },
      },
    );
  if (r.intendedTrackType !== undefined && !TRACK_TYPE.test(r.intendedTrackType))
    throw new FramewiseError(
      'INVALID_INPUT',
      `CPIX intendedTrackType ${JSON.stringify(r.intendedTrackType.slice(0, 40))} is not a plain name`,
      {
        details: {},
      },
    );
  w.open('ContentKeyUsageRule', { kid: kidToUuid(kid), intendedTrackType: r.intendedTrackType });
  for (const label of r.labelFilters ?? []) {
    assertXmlText(label, 'CPIX LabelFilter label');
    w.empty('LabelFilter', { label });
  }
  for (const v of r.videoFilters ?? [])
    w.empty('VideoFilter', {
      minPixels: integer(v.minPixels, 'minPixels'),
      maxPixels: integer(v.maxPixels, 'maxPixels'),
      hdr: v.hdr,
      wcg: v.wcg,
      minFps: integer(v.minFps, 'minFps'),
      maxFps: integer(v.maxFps, 'maxFps'),
    });
  for (const a of r.audioFilters ?? [])
    w.empty('AudioFilter', {
      minChannels: integer(a.minChannels, 'minChannels'),
      maxChannels: integer(a.maxChannels, 'maxChannels'),
    });
  for (const b of r.bitrateFilters ?? [])
    w.empty('BitrateFilter', {
      minBitrate: integer(b.minBitrate, 'minBitrate'),
      maxBitrate: integer(b.maxBitrate, 'maxBitrate'),
    });
  w.close();
}

/**
 * Write a CPIX 2.3 document (DASH-IF, `urn:dashif:org:cpix`) with the repository's streaming XML
 * writer: the content keys (clear `pskc:PlainValue`, base64; none for a key request), the DRM
 * signalling per key and system (PSSH, ContentProtectionData, URIExtXKey, HLSSignalingData for
 * master and media playlists, each base64) and the usage rules (`intendedTrackType` and video,
 * audio, bitrate and label filters). Valid against the official schema. Every key id is
 * checked, every signalling entry and rule must name a key of the list, and the key values are
 * written only into the document, never into an error.
 *
 * Keys in a CPIX document are in the clear unless the document is encrypted for a recipient
 * (DeliveryData, not written by Framewise): store and send it as the secret it is.
 *
 * @throws `INVALID_INPUT` naming the offending key id, system id, scheme or text.
 */
export function writeCpix(doc: CpixDocument): string {
  const w = new XmlWriter().declaration();
  if (doc.contentId !== undefined) assertXmlText(doc.contentId, 'CPIX contentId');
  w.open('CPIX', {
    xmlns: CPIX_NS,
    'xmlns:pskc': PSKC_NS,
    contentId: doc.contentId,
    version: doc.version ?? CPIX_VERSION,
  });
  const kids = new Set<string>();
  w.open('ContentKeyList');
  for (const k of doc.contentKeys) {
    const kid = normaliseKeyHex(k.kid, 'CPIX content key kid');
    if (kids.has(kid))
      throw new FramewiseError('INVALID_INPUT', `CPIX content key ${kid} is listed twice`, { details: { kid } });
    kids.add(kid);
    if (k.value !== undefined && k.value.kid !== kid)
      throw new FramewiseError('INVALID_INPUT', `CPIX content key ${kid} carries the key of ${k.value.kid}`, {
        details: { kid },
      });
    if (k.commonEncryptionScheme !== undefined && !SCHEME.test(k.commonEncryptionScheme))
      throw new FramewiseError(
        'INVALID_INPUT',
        `CPIX commonEncryptionScheme ${JSON.stringify(k.commonEncryptionScheme.slice(0, 10))} is not cenc, cbcs, cens or cbc1`,
        {
          details: { kid },
        },
      );
    let iv: string | undefined;
    if (k.explicitIv !== undefined) {
      if (!/^[0-9a-fA-F]{32}$/.test(k.explicitIv))
        throw new FramewiseError('INVALID_INPUT', `CPIX explicitIV of ${kid} must be 16 bytes of hex`, {
          details: { kid },
        });
      iv = Buffer.from(k.explicitIv, 'hex').toString('base64');
    }
    const attributes = { kid: kidToUuid(kid), explicitIV: iv, commonEncryptionScheme: k.commonEncryptionScheme };
    if (k.value === undefined) w.empty('ContentKey', attributes);
    else {
      const secret = normaliseKeyHex(k.value.key, `CPIX content key of ${kid}`);
      w.open('ContentKey', attributes)
        .open('Data')
        .open('pskc:Secret')
        .leaf('pskc:PlainValue', Buffer.from(secret, 'hex').toString('base64'))
        .close()
        .close()
        .close();
    }
  }
  w.close();
  if (doc.drmSystems.length > 0) {
    w.open('DRMSystemList');
    for (const s of doc.drmSystems) {
      const kid = normaliseKeyHex(s.kid, 'CPIX DRMSystem kid');
      if (!kids.has(kid))
        throw new FramewiseError(
          'INVALID_INPUT',
          `CPIX DRMSystem names key ${kid}, which is not in the content key list`,
          {
            details: { kid },
          },
        );
      if (typeof s.systemId !== 'string' || !SYSTEM_ID.test(s.systemId))
        throw new FramewiseError(
          'INVALID_INPUT',
          `CPIX systemId ${JSON.stringify(String(s.systemId).slice(0, 40))} is not a lowercase UUID`,
          {
            details: { kid },
          },
        );
      w.open('DRMSystem', { kid: kidToUuid(kid), systemId: s.systemId });
      if (s.pssh !== undefined) w.leaf('PSSH', b64(s.pssh));
      if (s.contentProtectionData !== undefined) w.leaf('ContentProtectionData', b64text(s.contentProtectionData));
      if (s.uriExtXKey !== undefined) w.leaf('URIExtXKey', b64text(s.uriExtXKey));
      if (s.hlsSignalingData?.master !== undefined)
        w.leaf('HLSSignalingData', b64text(s.hlsSignalingData.master), { playlist: 'master' });
      if (s.hlsSignalingData?.media !== undefined)
        w.leaf('HLSSignalingData', b64text(s.hlsSignalingData.media), { playlist: 'media' });
      w.close();
    }
    w.close();
  }
  if (doc.usageRules.length > 0) {
    w.open('ContentKeyUsageRuleList');
    for (const r of doc.usageRules) rule(w, r, kids);
    w.close();
  }
  w.close();
  return w.take();
}
