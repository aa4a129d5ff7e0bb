#!/usr/bin/env node
// Fetches the official EBUCore and BXF (SMPTE ST 2021) schemas that Framewise's tests validate
// against, at pinned commits, and checks each file's sha256. They are not committed: the SMPTE
// schemas are all rights reserved and EBUCore's are CC BY-NC-SA.
//
//   node scripts/fetch-schemas.mjs [--out DIR] [--base URL]
//
// --out   where to put them (default .cache/schemas, where the tests look after
//         FRAMEWISE_SCHEMAS_DIR and ../shared/schemas)
// --base  raw-file host (default https://raw.githubusercontent.com); files are fetched from
//         BASE/OWNER/REPO/COMMIT/PATH
// It also writes the project's own glue beside them: an XML catalog that maps EBUCore's remote
// imports to the local copies, one entry-point schema per BXF year, and a permissive stand-in
// for the ATSC PMCP 3.1 schema that every BXF release imports (not published anywhere
// reachable). Exit status 1 when any file is missing or its digest differs.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const out = option('--out', join(root, '.cache', 'schemas'));
const base = option('--base', 'https://raw.githubusercontent.com').replace(/\/$/, '');
const { files } = JSON.parse(readFileSync(join(root, 'scripts', 'schemas.lock.json'), 'utf8'));

const write = (path, data) => {
  const dest = join(out, path);
  mkdirSync(dirname(dest), { recursive: true });
  writeFileSync(`${dest}.part`, data);
  renameSync(`${dest}.part`, dest);
};

let failed = 0;
for (const file of files) {
  const url = `${base}/${file.repo}/${file.commit}/${file.source}`;
  try {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const data = Buffer.from(await response.arrayBuffer());
    const digest = createHash('sha256').update(data).digest('hex');
    if (digest !== file.sha256) throw new Error(`sha256 ${digest}, expected ${file.sha256}`);
    write(file.path, data);
  } catch (error) {
    failed++;
    console.error(`FAILED ${file.path} from ${url}: ${error.message}`);
  }
}

const catalog = [
  'http://www.w3.org/2001/xml.xsd',
  'http://www.w3.org/2001/03/xml.xsd',
  'http://www.w3.org/2009/01/xml.xsd',
]
  .map((u) => `  <system systemId="${u}" uri="xml.xsd"/>\n  <uri name="${u}" uri="xml.xsd"/>`)
  .concat(
    [
      'http://dublincore.org/schemas/xmls/simpledc20021212.xsd',
      'https://dublincore.org/schemas/xmls/simpledc20021212.xsd',
    ].map(
      (u) => `  <system systemId="${u}" uri="simpledc20021212.xsd"/>\n  <uri name="${u}" uri="simpledc20021212.xsd"/>`,
    ),
  )
  .join('\n');
write(
  'ebucore/catalog.xml',
  `<?xml version="1.0" encoding="UTF-8"?>\n<!-- Framewise: maps the remote imports of the official EBUCore schema to local copies. -->\n<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog" prefer="public">\n${catalog}\n</catalog>\n`,
);

const PMCP = 'http://www.atsc.org/XMLSchemas/pmcp/2007/3.1';
const complexTypes = [
  'AudiosType',
  'Ac3AudioType',
  'Caption608Type',
  'Caption708Type',
  'ChannelType',
  'IsanType',
  'ParentalRatingType',
];
const textTypes = ['AlternateIdType', 'HouseNumberType'];
const simpleTypes = [
  'audioIdType',
  'languageType',
  'numChannelsType',
  'bitRateKbpsType',
  'shortNameType',
  'elementaryErrorType',
  'statusType',
];
const any = '<xs:anyAttribute namespace="##any" processContents="lax"/>';
write(
  'bxf/pmcp-stub/pmcp31.xsd',
  [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!-- Framewise: a permissive stand-in for the ATSC A/76B PMCP 3.1 schema, declaring only the types BXF refers to. Content typed by PMCP is not validated. -->',
    `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="${PMCP}" elementFormDefault="qualified">`,
    ...complexTypes.map(
      (n) =>
        `  <xs:complexType name="${n}"><xs:sequence><xs:any namespace="##any" processContents="lax" minOccurs="0" maxOccurs="unbounded"/></xs:sequence>${any}</xs:complexType>`,
    ),
    ...textTypes.map(
      (n) =>
        `  <xs:complexType name="${n}"><xs:simpleContent><xs:extension base="xs:string">${any}</xs:extension></xs:simpleContent></xs:complexType>`,
    ),
    ...simpleTypes.map((n) => `  <xs:simpleType name="${n}"><xs:restriction base="xs:string"/></xs:simpleType>`),
    '  <xs:simpleType name="actionType"><xs:restriction base="xs:string"><xs:enumeration value="add"/><xs:enumeration value="read"/><xs:enumeration value="remove"/><xs:enumeration value="update"/></xs:restriction></xs:simpleType>',
    '</xs:schema>',
    '',
  ].join('\n'),
);
for (const year of ['2008', '2017', '2022']) {
  write(
    `bxf/bxf-${year}.xsd`,
    [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<!-- Framewise: validation entry point. Imports the xml: namespace and the PMCP stand-in first, so libxml2 skips the imports inside the official files that point at places that do not exist. -->',
      '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">',
      '  <xs:import namespace="http://www.w3.org/XML/1998/namespace" schemaLocation="xml.xsd"/>',
      `  <xs:import namespace="${PMCP}" schemaLocation="pmcp-stub/pmcp31.xsd"/>`,
      `  <xs:import namespace="http://smpte-ra.org/schemas/2021/${year}/BXF" schemaLocation="${year}/bxfschema.xsd"/>`,
      '</xs:schema>',
      '',
    ].join('\n'),
  );
}

if (failed > 0) {
  console.error(`${failed} of ${files.length} schema files could not be fetched or did not match their sha256.`);
  process.exit(1);
}
console.log(`${files.length} schema files fetched and verified into ${out}`);
