/**
 * `@framewise/adapters-metadata/xml`: the strict, safe XML 1.0 reader the interchange adapters
 * use (saxes underneath; DOCTYPEs refused, so no entity expansion or external entities; size,
 * depth and element-count limits), for other Framewise packages that read XML documents
 * (the LTFS index of `@framewise/adapters-tape`).
 *
 * @module
 */
export {
  MAX_ATTRIBUTES,
  parseXml,
  XML_LIMITS,
  XML_NS,
  XmlAttributes,
  type XmlDocument,
  type XmlElement,
  type XmlParseOptions,
} from './parser.js';
