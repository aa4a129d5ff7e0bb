import { parseXml, XML_NS, type XmlElement } from '../xml/parser.js';
import { XmlQuery } from '../xml/query.js';
import { LEGACY_EBUCORE_NAMESPACES, EBUCORE_NS as NS } from './names.js';

/** Who wrote an EBUCore document, as far as its own markers say. */
export type EbuCoreProducer = 'framewise' | 'mediainfo' | 'other';

/** An opened EBUCore document. */
export interface OpenedEbuCore {
  readonly q: XmlQuery;
  readonly core: XmlElement;
  readonly producer: EbuCoreProducer;
  /** The `xml:lang` in force on an element (its own or its nearest ancestor's). */
  readonly lang: (el: XmlElement) => string | undefined;
}

const MEDIAINFO_COMMENT = /<!--\s*Generated (?:at \S+ )?by MediaInfoLib/;

/**
 * Parse and check the root of an EBUCore document (1.8 to 1.10 namespace, or the 1.4, 1.5 and 1.6
 * ones, whose elements are read as their current namespace's), and say who wrote it: Framewise
 * (`writingLibraryName="Framewise"`), MediaInfo (`writingLibraryName="MediaInfoLib"`, or the
 * `Generated … by MediaInfoLib` comment its 1.5/1.6 output starts with) or another producer.
 */
export function openEbuCore(document: string | Uint8Array, source: string): OpenedEbuCore {
  const doc = parseXml(document, { source });
  const q = new XmlQuery(doc);
  const root = q.root;
  if (root.ns !== NS && LEGACY_EBUCORE_NAMESPACES[root.ns] !== undefined) renameNamespace(root, root.ns, NS);
  if (root.ns !== NS || root.name !== 'ebuCoreMain') {
    q.fail(root, `root element is {${root.ns}}${root.name}; an EBUCore document has ebuCoreMain in namespace ${NS}`);
  }
  const core = q.required(root, NS, 'coreMetadata');
  const library = root.attributes.get('writingLibraryName');
  let producer: EbuCoreProducer = 'other';
  if (library === 'Framewise') producer = 'framewise';
  else if (library === 'MediaInfoLib' || (library === undefined && mediaInfoComment(document))) producer = 'mediainfo';
  const langs = inheritedLanguages(root);
  return { q, core, producer, lang: (el) => el.attributes.get(`{${XML_NS}}lang`) ?? langs.get(el) };
}

function mediaInfoComment(document: string | Uint8Array): boolean {
  const head =
    typeof document === 'string'
      ? document.slice(0, 512)
      : new TextDecoder('utf-8', { fatal: false }).decode(document.subarray(0, 512));
  return MEDIAINFO_COMMENT.test(head);
}

/** Read a legacy namespace's elements as the current namespace's (the tree is the reader's own). */
function renameNamespace(root: XmlElement, from: string, to: string): void {
  const stack: XmlElement[] = [root];
  while (stack.length > 0) {
    const el = stack.pop() as XmlElement & { ns: string };
    if (el.ns === from) el.ns = to;
    for (const c of el.children) stack.push(c);
  }
}

/** The inherited `xml:lang` of every element under one that declares it. */
function inheritedLanguages(root: XmlElement): Map<XmlElement, string> {
  const out = new Map<XmlElement, string>();
  const stack: [XmlElement, string | undefined][] = [[root, undefined]];
  while (stack.length > 0) {
    const [el, inherited] = stack.pop() as [XmlElement, string | undefined];
    const own = el.attributes.get(`{${XML_NS}}lang`);
    const lang = own ?? inherited;
    if (lang !== undefined && own === undefined) out.set(el, lang);
    for (const c of el.children) stack.push([c, lang]);
  }
  return out;
}
