/**
 * CPIX (DASH-IF Content Protection Information Exchange, `urn:dashif:org:cpix`, version 2.3):
 * write and read the documents that carry content keys, DRM system signalling and key usage
 * rules between a packager and a key server, valid against the official schema; and build the
 * CPIX document of a CMAF package encrypted by `packageCmaf`. See docs/drm.md.
 *
 * @module
 */

export type { XmlParseOptions } from '../xml/parser.js';
export { type CpixFromPackageOptions, cpixFromPackage } from './from-package.js';
export {
  CPIX_NS,
  CPIX_VERSION,
  type CpixAudioFilter,
  type CpixBitrateFilter,
  type CpixContentKey,
  type CpixDocument,
  type CpixDrmSystem,
  type CpixHlsSignaling,
  type CpixUsageRule,
  type CpixVideoFilter,
  PSKC_NS,
} from './model.js';
export { readCpix } from './read.js';
export { writeCpix } from './write.js';
