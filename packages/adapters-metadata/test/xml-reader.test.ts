import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isFramewiseError } from '@framewise/core/errors';
import fc from 'fast-check';
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { describe, expect, it } from 'vitest';
import { parseXml, XML_LIMITS, type XmlElement } from '../src/xml/parser.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function refusal(input: string | Uint8Array, options = {}): { code: string; message: string } {
  try {
    parseXml(input, { source: 'in.xml', ...options });
  } catch (e) {
    if (!isFramewiseError(e)) throw e;
    return { code: e.code, message: e.message };
  }
  throw new Error(`accepted: ${typeof input === 'string' ? input.slice(0, 200) : 'bytes'}`);
}

/** Heap retained by what `make` returns, in bytes (measured after full collections). */
function retained(make: () => unknown): { bytes: number; value: unknown } {
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const value = make();
  gc();
  gc();
  return { bytes: process.memoryUsage().heapUsed - before, value };
}

const utf16 = (s: string, order: 'le' | 'be', bom = true): Uint8Array => {
  const out: number[] = bom ? (order === 'le' ? [0xff, 0xfe] : [0xfe, 0xff]) : [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (order === 'le') out.push(c & 0xff, c >> 8);
    else out.push(c >> 8, c & 0xff);
  }
  return new Uint8Array(out);
};

describe('XML reader: memory', () => {
  it('reads the namespace-declaration bomb (500 declarations on the root, 40 000 declaring children) in bounded memory', () => {
    const root = Array.from({ length: 500 }, (_, i) => ` xmlns:p${i}="urn:example:namespace:${i}"`).join('');
    const children = Array.from(
      { length: 40_000 },
      (_, i) => `<p${i % 500}:c xmlns:q${i}="urn:example:child:${i}" q${i}:a="${i}"/>`,
    ).join('');
    const bomb = `<p0:r${root}>${children}</p0:r>`;
    expect(bomb.length).toBeGreaterThan(700_000);
    const { bytes, value } = retained(() => parseXml(bomb));
    const doc = value as ReturnType<typeof parseXml>;
    expect(doc.root.children).toHaveLength(40_000);
    expect(doc.root.children[39_999]).toMatchObject({ ns: 'urn:example:namespace:499', name: 'c' });
    expect(doc.root.children[39_999]?.attributes.get('{urn:example:child:39999}a')).toBe('39999');
    // The old reader copied the whole namespace map into every declaring element (500 entries ×
    // 40 000) and died of heap exhaustion; the tree now costs a few bytes per input character.
    expect(bytes / bomb.length).toBeLessThan(XML_MEMORY_FACTOR);
  });

  it('keeps the tree of the densest documents (empty elements, one-character attributes) within the documented factor', () => {
    const shapes = [
      `<r>${'<a/>'.repeat(200_000)}</r>`,
      `<r>${'<a b="1"/>'.repeat(100_000)}</r>`,
      `<r>\n${'  <a>x</a>\n'.repeat(100_000)}</r>`,
      `<r>${'<a><b><c/></b></a>'.repeat(50_000)}</r>`,
    ];
    for (const repeated of shapes) {
      // `repeat` makes a rope; flatten it first so that the measure is the tree's, not the flattening's.
      const doc = JSON.parse(JSON.stringify(repeated)) as string;
      const { bytes, value } = retained(() => parseXml(doc));
      expect((value as ReturnType<typeof parseXml>).root.children.length).toBeGreaterThan(0);
      expect(bytes / doc.length, doc.slice(0, 30)).toBeLessThan(XML_MEMORY_FACTOR);
    }
  });

  it('refuses more elements than the limit, and nesting deeper than the limit, before building them', () => {
    expect(refusal(`<r>${'<a/>'.repeat(11)}</r>`, { maxElements: 10 }).message).toMatch(/more than 10 elements/);
    expect(refusal(`${'<a>'.repeat(300)}${'</a>'.repeat(300)}`).message).toMatch(/nested deeper than 256/);
    expect(XML_LIMITS.maxElements).toBe(4 * 1024 * 1024);
    const attrs = Array.from({ length: 513 }, (_, i) => ` a${i}=""`).join('');
    expect(refusal(`<r${attrs}/>`).message).toMatch(/more than 512 attributes/);
  });
});

/** Retained heap per input character the reader stays under (docs/interchange.md). */
const XML_MEMORY_FACTOR = 28;

describe('XML reader: characters and encodings', () => {
  it('refuses lone surrogates anywhere, which saxes alone accepts when another character follows', () => {
    for (const doc of [
      '<a>\uD800x</a>',
      '<a b="x\uDC00"/>',
      '<a><!-- \uD83D. --></a>',
      '<a>\uDBFF</a>',
      '<a\uD800b/>',
    ]) {
      expect(refusal(doc).message).toMatch(/lone surrogate U\+D[89A-F]/);
    }
    const raw = new SaxesParser({ xmlns: true });
    let text = '';
    raw.on('text', (t) => {
      text += t;
    });
    raw.write('<a>\uD800x</a>').close();
    expect(text).toBe('\uD800x'); // what saxes lets through
    expect(refusal('<a>&#xD800;</a>').message).toMatch(/character reference/);
    expect(parseXml('<a b="😀">𝄞</a>').root).toMatchObject({ text: '𝄞' });
  });

  it('keeps U+FEFF inside values and drops only a leading byte-order mark', () => {
    const doc = parseXml('\uFEFF<a b="\uFEFFx">\uFEFF y \uFEFF</a>');
    expect(doc.root.text).toBe('\uFEFF y \uFEFF');
    expect(doc.root.attributes.get('b')).toBe('\uFEFFx');
    expect(refusal('\uFEFF\uFEFF<a/>').message).toMatch(/line 1/);
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('<a>\uFEFF</a>')]);
    expect(parseXml(bytes).root.text).toBe('\uFEFF');
  });

  it('decodes UTF-16 (either byte order, with a byte-order mark or starting "<?") and checks the declaration', () => {
    const xml = '<?xml version="1.0" encoding="UTF-16"?><a b="é">漢字 𝄞</a>';
    for (const bytes of [utf16(xml, 'le'), utf16(xml, 'be'), utf16(xml, 'le', false), utf16(xml, 'be', false)]) {
      const doc = parseXml(bytes);
      expect(doc.root.text).toBe('漢字 𝄞');
      expect(doc.root.attributes.get('b')).toBe('é');
    }
    expect(parseXml(utf16('<a>x</a>', 'be')).root.text).toBe('x');
    expect(refusal(utf16('<?xml version="1.0" encoding="UTF-8"?><a/>', 'le')).message).toMatch(
      /declares encoding "UTF-8" but is UTF-16 \(little-endian\)/,
    );
    expect(refusal(new TextEncoder().encode('<?xml version="1.0" encoding="UTF-16"?><a/>')).message).toMatch(
      /declares encoding "UTF-16" but is UTF-8/,
    );
    expect(refusal(new Uint8Array([0xff, 0xfe, 0x3c, 0x00, 0x61])).message).toMatch(/odd number of bytes/);
    const lone = new Uint8Array([
      0xff, 0xfe, 0x3c, 0, 0x61, 0, 0x3e, 0, 0x00, 0xd8, 0x3c, 0, 0x2f, 0, 0x61, 0, 0x3e, 0,
    ]);
    expect(refusal(lone).message).toMatch(/not valid UTF-16/);
    expect(refusal(new Uint8Array([0xff, 0xfe, 0, 0, 0x3c, 0, 0, 0])).code).toBe('UNSUPPORTED');
  });

  it('accepts well-formed processing instructions (xml-stylesheet) and refuses malformed XML declarations', () => {
    const styled = parseXml(
      '<?xml version="1.0"?>\n<?xml-stylesheet type="text/xsl" href="view.xsl"?>\n<a>x<?pi data?></a>',
    );
    expect(styled.root.text).toBe('x');
    expect(parseXml('<?xml version="1.0" encoding="utf-8" standalone="yes"?><a/>').root.name).toBe('a');
    expect(parseXml("<?xml version='1.0'?><a/>").root.name).toBe('a');
    const malformed = [
      '<?xml?><a/>',
      '<?xml encoding="UTF-8"?><a/>',
      '<?xml encoding="UTF-8" version="1.0"?><a/>',
      '<?xml version="1.0" standalone="maybe"?><a/>',
      '<?xml version="1.0" foo="bar"?><a/>',
      '<?xml version="1.0"encoding="UTF-8"?><a/>',
      '<?xml version=1.0?><a/>',
      '<?xml version="1.0" encoding="?"?><a/>',
      ' <?xml version="1.0"?><a/>',
      '<a/><?xml version="1.0"?>',
      '<?xml version="1.0"?><?xml version="1.0"?><a/>',
      '<?XML version="1.0"?><a/>',
      '<a><?xml x?></a>',
      '<? pi?><a/>',
    ];
    for (const doc of malformed) expect(refusal(doc).code, doc).toBe('INVALID_INPUT');
    expect(refusal('<?xml version="1.1"?><a/>').code).toBe('UNSUPPORTED');
  });

  it('refuses a DOCTYPE in any form, well-formed or not, before reading past it', () => {
    for (const doc of [
      '<!DOCTYPE a><a/>',
      '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>',
      '<!DOCTYPE a [<!ENTITY x "y">]<a/>',
      '<!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>',
      '<?xml version="1.0"?>\n<!-- c -->\n<!DOCTYPE a PUBLIC "x" "http://127.0.0.1:1/x.dtd"><a/>',
    ]) {
      expect(refusal(doc).message, doc).toMatch(/DOCTYPE is not accepted/);
    }
  });

  it('reports the offset of each start tag, with CR LF and astral characters before it', () => {
    const text = '<r>\r\n  <a\r\n b="1"/>\r<c>𝄞<d\t/></c>\n<e:f xmlns:e="urn:e"></e:f></r>';
    const doc = parseXml(text);
    const all: XmlElement[] = [];
    const walk = (e: XmlElement) => {
      all.push(e);
      e.children.forEach(walk);
    };
    walk(doc.root);
    expect(all.map((e) => text.slice(e.offset, e.offset + 2))).toEqual(['<r', '<a', '<c', '<d', '<e']);
    expect(all.map((e) => doc.position(e.offset))).toEqual([
      { line: 1, column: 1 },
      { line: 2, column: 3 },
      { line: 4, column: 1 },
      { line: 4, column: 6 },
      { line: 5, column: 1 },
    ]);
  });
});

// ---- differential fuzz against saxes' raw events ----

interface Plain {
  ns: string;
  name: string;
  attributes: Array<[string, string]>;
  text: string;
  children: Plain[];
}

/** saxes used directly, the naive way: its events into a tree, the first error thrown. */
function viaSaxes(text: string): Plain {
  const parser = new SaxesParser({ xmlns: true });
  const stack: Plain[] = [];
  let root: Plain | undefined;
  parser.on('opentag', (tag: SaxesTagNS) => {
    const el: Plain = {
      ns: tag.uri,
      name: tag.local,
      attributes: Object.values(tag.attributes)
        .filter((a) => a.prefix !== 'xmlns' && a.name !== 'xmlns')
        .map((a) => [a.uri === '' ? a.local : `{${a.uri}}${a.local}`, a.value]),
      text: '',
      children: [],
    };
    stack.at(-1)?.children.push(el);
    root ??= el;
    stack.push(el);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  const append = (t: string) => {
    const top = stack.at(-1);
    if (top !== undefined) top.text += t;
  };
  parser.on('text', append);
  parser.on('cdata', append);
  parser.write(text).close();
  if (root === undefined) throw new Error('no root');
  return root;
}

const plain = (e: XmlElement): Plain => ({
  ns: e.ns,
  name: e.name,
  attributes: [...e.attributes],
  text: e.text,
  children: e.children.map(plain),
});

/** Documents Framewise refuses on purpose although saxes reads them. */
function deliberatelyRefused(text: string): boolean {
  return (
    text.includes('<!DOCTYPE') ||
    !(text as string & { isWellFormed(): boolean }).isWellFormed() ||
    /<\?xml\s[^>]*version\s*=\s*["'](?!1\.0["'])/.test(text) ||
    /<\?[xX][mM][lL][\s?]/.test(text.replace(/^\uFEFF?<\?xml[\s?]/, ''))
  );
}

const NAMES = ['a', 'b', 'x:a', 'y:b', 'é', 'a.b', 'c-1', '_', 'x'];
const wellFormedPiece = fc.constantFrom(
  'text',
  ' ',
  '\n',
  '\r\n',
  '\r',
  '\t',
  '&amp;',
  '&lt;',
  '&gt;',
  '&quot;',
  '&apos;',
  '&#65;',
  '&#x1F600;',
  '<![CDATA[ <&> ]]>',
  '<!-- c -->',
  '<?pi data?>',
  '<?xml-stylesheet href="a"?>',
  '\uFEFF',
  '😀',
  'مرحبا',
  '"',
  "'",
  '>',
);
const malformedPiece = fc.constantFrom(
  '&#0;',
  '&#xD800;',
  '&bogus;',
  '&',
  '<',
  ']]>',
  '<!-- a--b -->',
  '<?xml x?>',
  '\uD800',
  '\u0001',
  '\uFFFE',
);
const piece = fc.oneof({ weight: 30, arbitrary: wellFormedPiece }, { weight: 1, arbitrary: malformedPiece });

interface Node {
  name: string;
  attributes: Array<[string, string]>;
  content: Array<string | Node>;
}
const tree: fc.Arbitrary<Node> = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.record({
    name: fc.oneof({ weight: 20, arbitrary: fc.constantFrom(...NAMES) }, fc.constantFrom('z:a', 'xmlns:a', '1a')),
    attributes: fc.uniqueArray(
      fc.tuple(
        fc.oneof(
          { weight: 20, arbitrary: fc.constantFrom('a', 'b', 'x:a', 'y:a', 'xmlns:x', 'xmlns', 'xml:lang') },
          fc.constantFrom('z:a', 'xmlns:xml', 'xmlns:y'),
        ),
        fc.oneof(
          { weight: 20, arbitrary: fc.constantFrom('urn:x', 'urn:y', 'v', '&amp;&lt;', '"', "'", '\t\n', '\r\n') },
          fc.constantFrom('', '<', 'http://www.w3.org/XML/1998/namespace'),
        ),
      ),
      { maxLength: 4, selector: ([k]) => k },
    ),
    content: fc.array(fc.oneof({ weight: 3, arbitrary: piece }, { weight: 2, arbitrary: tie('node') }), {
      maxLength: 5,
    }),
  }),
})).node;

function render(n: Node): string {
  const attrs = n.attributes
    .map(([k, v]) => ` ${k}=${v.includes('"') ? `'${v.replace(/'/g, '&apos;')}'` : `"${v}"`}`)
    .join('');
  const inner = n.content.map((c) => (typeof c === 'string' ? c : render(c))).join('');
  return inner === '' ? `<${n.name}${attrs}/>` : `<${n.name}${attrs}>${inner}</${n.name}>`;
}

const prolog = fc.constantFrom(
  '',
  '',
  '',
  '<?xml version="1.0"?>',
  '<?xml version="1.0"?>',
  '<?xml version="1.0"?>',
  '<?xml version="1.0" encoding="UTF-8"?>\n',
  "<?xml version='1.0' standalone='no'?>",
  '<?xml version="1.1"?>',
  '<?xml version="1.0"encoding="x"?>',
  '<?xml?>',
  ' <?xml version="1.0"?>',
  '\uFEFF',
  '<!-- lead -->',
  '<?xml-stylesheet href="s.xsl"?>\n',
  '<!DOCTYPE a>',
);

const outcomes = { same: 0, bothRefused: 0, deliberate: 0 };

function compare(text: string): void {
  let expected: Plain | undefined;
  let saxesError: unknown;
  try {
    expected = viaSaxes(text);
  } catch (e) {
    saxesError = e;
  }
  let ours: Plain | undefined;
  let ourError: unknown;
  let offsets: string[] = [];
  try {
    const doc = parseXml(text, { source: 'fuzz' });
    ours = plain(doc.root);
    const starts: string[] = [];
    const walk = (e: XmlElement) => {
      starts.push(text[e.offset] ?? '');
      e.children.forEach(walk);
    };
    walk(doc.root);
    offsets = starts;
  } catch (e) {
    if (!isFramewiseError(e)) throw e;
    ourError = e;
  }
  if (saxesError !== undefined) {
    expect(ourError, `saxes refused ${JSON.stringify(text)}: ${String(saxesError)}`).toBeDefined();
    outcomes.bothRefused++;
    return;
  }
  if (ourError !== undefined) {
    expect(deliberatelyRefused(text), `refused ${JSON.stringify(text)}: ${String(ourError)}`).toBe(true);
    outcomes.deliberate++;
    return;
  }
  outcomes.same++;
  expect(ours).toEqual(expected);
  expect(new Set(offsets)).toEqual(new Set(['<']));
}

describe('XML reader: differential fuzz against saxes', () => {
  it('agrees with saxes on random documents, well-formed and not: same refusals, same trees', () => {
    Object.assign(outcomes, { same: 0, bothRefused: 0, deliberate: 0 });
    fc.assert(
      fc.property(prolog, tree, fc.constantFrom('', '', '\n', '<!-- t -->', 'x', '<b/>'), (head, root, tail) => {
        compare(`${head}<w xmlns:x="urn:x" xmlns:y="urn:y">${render(root)}</w>${tail}`);
      }),
      { numRuns: 3_000 },
    );
    expect(outcomes.same).toBeGreaterThan(400);
    expect(outcomes.bothRefused).toBeGreaterThan(300);
    expect(outcomes.deliberate).toBeGreaterThan(30);
  });

  it('agrees with saxes on random mutations of well-formed documents', () => {
    Object.assign(outcomes, { same: 0, bothRefused: 0, deliberate: 0 });
    fc.assert(
      fc.property(
        tree,
        fc.nat(),
        fc.nat(12),
        fc.string({
          maxLength: 6,
          unit: fc.constantFrom('<', '>', '/', '&', ';', '"', '=', ' ', 'x', ':', '!', '?', '-'),
        }),
        (root, at, remove, insert) => {
          const doc = `<?xml version="1.0"?><w xmlns:x="urn:x" xmlns:y="urn:y">${render(root)}</w>`;
          const cut = at % (doc.length + 1);
          compare(doc.slice(0, cut) + insert + doc.slice(cut + remove));
        },
      ),
      { numRuns: 3_000 },
    );
    expect(outcomes.same).toBeGreaterThan(50);
    expect(outcomes.bothRefused).toBeGreaterThan(1_000);
  });
});
