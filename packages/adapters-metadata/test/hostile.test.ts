import { isFramewiseError } from '@framewise/core/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEbuCoreExporter, readEbuCore } from '../src/ebucore/index.js';
import { parseXml } from '../src/xml/parser.js';
import { richDescription } from './fixtures.js';

const EBU = 'xmlns:ebucore="urn:ebu:metadata-schema:ebucore" xmlns:dc="http://purl.org/dc/elements/1.1/"';
const valid = await createEbuCoreExporter({ clock: { now: () => 0 } }).write(richDescription());

function rejects(input: string | Uint8Array, pattern: RegExp, code = 'INVALID_INPUT'): void {
  let error: unknown;
  try {
    readEbuCore(input, { source: 'sidecar.xml' });
  } catch (e) {
    error = e;
  }
  expect(isFramewiseError(error)).toBe(true);
  expect((error as { code: string }).code).toBe(code);
  expect((error as Error).message).toMatch(/^sidecar\.xml/);
  expect((error as Error).message).toMatch(pattern);
}

describe('hostile and malformed EBUCore input', () => {
  it('refuses entity expansion (billion laughs) before expanding anything', () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><ebucore:ebuCoreMain ${EBU}><ebucore:coreMetadata>&lol2;</ebucore:coreMetadata></ebucore:ebuCoreMain>`;
    rejects(bomb, /DOCTYPE is not accepted/);
  });

  it('refuses external entities (no file or network is ever read)', () => {
    for (const target of ['file:///etc/passwd', 'http://127.0.0.1:1/x.dtd']) {
      rejects(`<!DOCTYPE a SYSTEM "${target}"><a/>`, /DOCTYPE/);
      rejects(`<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "${target}">]><a>&x;</a>`, /DOCTYPE/);
    }
  });

  it('refuses references to undeclared entities', () => {
    rejects(
      `<ebucore:ebuCoreMain ${EBU}><ebucore:coreMetadata>&xxe;</ebucore:coreMetadata></ebucore:ebuCoreMain>`,
      /undefined entity &xxe;/,
    );
  });

  it('refuses a wrong root or namespace, naming both', () => {
    rejects('<ebuCoreMain><coreMetadata/></ebuCoreMain>', /root element is \{\}ebuCoreMain/);
    // EBUCore 1.5 (ebuCore_2014) is read since issue 20; an unknown EBU namespace is still refused.
    rejects('<e:ebuCoreMain xmlns:e="urn:ebu:metadata-schema:ebuCore_2099"/>', /urn:ebu:metadata-schema:ebuCore_2099/);
    rejects('<x:BxfMessage xmlns:x="http://smpte-ra.org/schemas/2021/2022/BXF"/>', /BxfMessage/);
  });

  it('refuses every truncation of a valid document, with a position', () => {
    const cuts = [1, 10, 39, 200, Math.floor(valid.length / 2), valid.length - 30, valid.length - 2];
    for (const cut of cuts) rejects(valid.slice(0, cut), /line \d+, column \d+|truncated|no root element/);
    expect(() => readEbuCore(valid)).not.toThrow();
  });

  it('refuses malformed XML: mismatched tags, unquoted and duplicate attributes, bad references, stray markup', () => {
    rejects(
      `<ebucore:ebuCoreMain ${EBU}><ebucore:coreMetadata></ebucore:ebuCoreMain>`,
      /does not match <ebucore:coreMetadata>/,
    );
    rejects(`<ebucore:ebuCoreMain ${EBU} version=1.10/>`, /not quoted/);
    rejects(`<ebucore:ebuCoreMain ${EBU} version="1" version="2"/>`, /repeated/);
    rejects(`<ebucore:ebuCoreMain ${EBU}>AT&T</ebucore:ebuCoreMain>`, /does not start a reference/);
    rejects(`<ebucore:ebuCoreMain ${EBU}>&#0;</ebucore:ebuCoreMain>`, /does not allow/);
    rejects(`<ebucore:ebuCoreMain ${EBU}>\u0001</ebucore:ebuCoreMain>`, /U\+0001/);
    rejects(`<ebucore:ebuCoreMain ${EBU}/><second/>`, /after the root/);
    rejects(`<x:ebuCoreMain/>`, /prefix x is not bound/);
    rejects('', /no root element/);
  });

  it('refuses bytes that are not UTF-8 and other encodings, with their own codes', () => {
    rejects(new Uint8Array([0x3c, 0x61, 0x3e, 0xff, 0xfe, 0x3c, 0x2f, 0x61, 0x3e]), /not valid UTF-8/);
    rejects(new Uint8Array([0xff, 0xfe, 0x00, 0x00, 0x3c, 0x00, 0x00, 0x00]), /UTF-32/, 'UNSUPPORTED');
    rejects(new TextEncoder().encode('<?xml version="1.0" encoding="ISO-8859-1"?><a/>'), /ISO-8859-1/, 'UNSUPPORTED');
    rejects('<?xml version="1.1"?><a/>', /XML 1\.1/, 'UNSUPPORTED');
  });

  it('refuses nesting deep enough to exhaust a recursive parser', () => {
    const deep = `${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}`;
    rejects(deep, /nested deeper than 256/);
  });

  it('gives a typed error or a result for any mutation of a valid document, never a crash (fuzz)', () => {
    fc.assert(
      fc.property(
        fc.nat(valid.length - 1),
        fc.nat(40),
        fc.string({ maxLength: 8, unit: 'binary' }),
        (at, remove, insert) => {
          const mutated = valid.slice(0, at) + insert + valid.slice(at + remove);
          try {
            readEbuCore(mutated, { source: 'fuzz' });
          } catch (e) {
            if (!isFramewiseError(e)) throw e;
          }
        },
      ),
      { numRuns: 2_000 },
    );
  });
});

describe('parseXml', () => {
  it('resolves namespaces, default namespaces and prefixed attributes', () => {
    const doc = parseXml('<r xmlns="urn:a" xmlns:b="urn:b"><b:c b:x="1" y="2"/><d xmlns=""/></r>');
    expect(doc.root.ns).toBe('urn:a');
    const [c, d] = doc.root.children;
    expect(c).toMatchObject({ ns: 'urn:b', name: 'c' });
    expect(c?.attributes.get('{urn:b}x')).toBe('1');
    expect(c?.attributes.get('y')).toBe('2');
    expect(d?.ns).toBe('');
  });

  it('expands predefined entities and character references, keeps CDATA, normalises line ends and attribute whitespace', () => {
    const doc = parseXml('<r a="x&#10;y\tz">&lt;&amp;&gt;&quot;&apos;&#x1F600;<![CDATA[<raw & ]]>\r\nline</r>');
    expect(doc.root.text).toBe('<&>"\'😀<raw & \nline');
    expect(doc.root.attributes.get('a')).toBe('x\ny z');
  });

  it('skips comments and processing instructions, refuses "--" in comments', () => {
    expect(parseXml('<?xml version="1.0"?><!-- c --><?pi x?><r><!-- c -->t<?pi?></r><!-- end -->').root.text).toBe('t');
    expect(() => parseXml('<r><!-- a -- b --></r>')).toThrow(/"--" inside a comment/);
  });

  it('refuses documents over the size limit', () => {
    expect(() => parseXml('<r/>'.padEnd(2000, ' '), { maxLength: 1000, source: 'big.xml' })).toThrow(
      /big\.xml is 2000 characters long, over the limit of 1000/,
    );
  });
});
