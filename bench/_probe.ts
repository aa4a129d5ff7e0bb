import { compileRights } from '../packages/core/src/rights/compile.js';
import { RightsDocumentSchema, LicenseTypeSchema } from '../packages/core/src/rights/model.js';
import { TERRITORIES } from '../packages/core/src/rights/territory-table.js';
import { packIndex } from '../packages/core/src/rights/packed.js';
import { validateDocument } from '../packages/core/src/rights/validate.js';
import { parseInput } from '../packages/core/src/support/index.js';
import { rng } from '@framewise/core/testing';
const TITLES = Number(process.argv[2] ?? 20000);
const MEDIA = LicenseTypeSchema.options; const CODES = TERRITORIES.map((t) => t.code);
const EXPRESSIONS = ['WORLD','EMEA','APAC','LATAM','NORTH_AMERICA','EU','EMEA except FR, DE','WORLD except US, CA','DACH','NORDICS','UKI','ANZ','SEA'];
const random = rng(2027);
const pick = <T,>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
const day = (offset: number) => new Date(Date.parse('2025-01-01T00:00:00Z') + offset * 86_400_000).toISOString().slice(0, 10);
function territories(): string { const r = random(); if (r < 0.5) return pick(EXPRESSIONS); const n = 1 + Math.floor(random() * 12); return [...new Set(Array.from({ length: n }, () => pick(CODES)))].join(', '); }
const deals: any[] = [];
for (let t = 0; t < TITLES; t++) {
  const grants = Array.from({ length: 18 }, (_, g) => { const start = Math.floor(random() * 2400); const id = `t${t}-g${g}`;
    const window = g === 5 ? { start: { after: `t${t}-g0`, edge: 'start' as const, days: 90 } } : random() < 0.1 ? { start: `${day(start)}T00:00:00Z` } : { start: day(start), ...(random() < 0.8 ? { end: day(start + 30 + Math.floor(random() * 900)) } : {}) };
    return { id, media: [pick(MEDIA)], territories: territories(), window, exclusive: random() < 0.2 }; });
  const holdbacks = Array.from({ length: 2 }, (_, h) => { const start = Math.floor(random() * 2400); return { id: `t${t}-h${h}`, media: [pick(MEDIA)], territories: territories(), window: { start: day(start), end: day(start + 60 + Math.floor(random() * 300)) } }; });
  deals.push({ id: `in-${t}`, direction: 'in', licensor: 'Studio', licensee: 'Us', assets: [`title-${t}`], grants, holdbacks });
  if (t % 10 === 0) { const start = Math.floor(random() * 2400); deals.push({ id: `out-${t}`, direction: 'out', licensor: 'Us', licensee: 'Streamer', assets: [`title-${t}`], grants: [{ id: `t${t}-out`, media: [pick(MEDIA)], territories: pick(CODES), exclusive: true, window: { start: day(start), end: day(start + 365) } }] }); }
}
const phase = <T,>(name: string, f: () => T): T => { const c = process.cpuUsage(); const t = performance.now(); const r = f(); const u = process.cpuUsage(c); console.log(`${name.padEnd(10)} wall ${(performance.now()-t).toFixed(0)} ms cpu ${((u.user+u.system)/1000).toFixed(0)} ms heap ${(process.memoryUsage().heapUsed/1e6).toFixed(0)} MB`); return r; };
const doc = phase('parse', () => parseInput(RightsDocumentSchema, { deals }, 'doc'));
phase('validate', () => validateDocument(doc));
const c = phase('compile', () => compileRights(doc));
phase('pack', () => packIndex(c.assets));
