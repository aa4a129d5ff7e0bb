import { FramewiseError } from '../errors/index.js';
import type { RightsDocument } from './model.js';
import { territoryIndex } from './territories.js';
import { TERRITORY_GROUPS } from './territory-table.js';
import { zoneClock } from './zone-clock.js';

const fail = (where: string, message: string): never => {
  throw new FramewiseError('INVALID_INPUT', `Rights document ${where}: ${message}`, { details: { where } });
};

/** Parent kinds a title kind may have. */
const PARENTS: Record<string, readonly string[]> = {
  movie: [],
  series: [],
  season: ['series'],
  episode: ['season', 'series'],
  supplemental: ['movie', 'series', 'season', 'episode'],
};

/**
 * Checks of a parsed document that a schema cannot make: custom groups that would shadow an ISO
 * code or a built-in group, unknown territories and zones, duplicate deal, title and element ids,
 * a title hierarchy with unknown parents or cycles, element spans and substitute links.
 *
 * @throws `INVALID_INPUT` naming the path.
 */
export function validateDocument(doc: RightsDocument): void {
  for (const [name, members] of Object.entries(doc.groups)) {
    if (territoryIndex(name) >= 0) fail(`groups.${name}`, 'a group may not shadow an ISO 3166-1 code');
    if (TERRITORY_GROUPS[name] !== undefined) fail(`groups.${name}`, 'a group may not shadow a built-in group');
    members.forEach((code, i) => {
      if (territoryIndex(code) < 0) fail(`groups.${name}[${i}]`, `${JSON.stringify(code)} is not an ISO 3166-1 code`);
    });
  }
  for (const [code, setting] of Object.entries(doc.territoryZones)) {
    if (territoryIndex(code) < 0) fail(`territoryZones.${code}`, `${JSON.stringify(code)} is not a territory`);
    for (const zone of typeof setting === 'string' ? [setting] : setting.zones) {
      try {
        zoneClock(zone);
      } catch {
        fail(`territoryZones.${code}`, `${JSON.stringify(zone)} is not an IANA zone`);
      }
    }
  }
  const titles = new Map(doc.titles.map((t) => [t.id, t]));
  if (titles.size !== doc.titles.length)
    doc.titles.forEach((t, i) => {
      if (titles.get(t.id) !== t) fail(`titles[${i}].id`, `title "${t.id}" is listed twice`);
    });
  doc.titles.forEach((t, i) => {
    if (t.parent === undefined) return;
    const parent = titles.get(t.parent);
    if (parent === undefined) fail(`titles[${i}].parent`, `title "${t.parent}" is not listed`);
    else if (!(PARENTS[t.kind] ?? []).includes(parent.kind))
      fail(`titles[${i}].parent`, `a ${t.kind} may not belong to a ${parent.kind}`);
  });
  const dealIds = new Set<string>();
  doc.deals.forEach((deal, i) => {
    if (dealIds.has(deal.id)) fail(`deals[${i}].id`, `deal "${deal.id}" is listed twice`);
    dealIds.add(deal.id);
    deal.grants.forEach((g, j) => {
      if (g.zone !== undefined) checkZone(g.zone, `deals[${i}].grants[${j}].zone`);
    });
    deal.holdbacks.forEach((h, j) => {
      if (h.zone !== undefined) checkZone(h.zone, `deals[${i}].holdbacks[${j}].zone`);
    });
  });
  const elements = new Map(doc.elements.map((e) => [e.id, e]));
  doc.elements.forEach((e, i) => {
    if (elements.get(e.id) !== e) fail(`elements[${i}].id`, `element "${e.id}" is listed twice`);
    if (e.in >= e.out) fail(`elements[${i}].out`, `out ${e.out} is not after in ${e.in}`);
    if (e.substitute !== undefined) {
      const s = elements.get(e.substitute);
      if (s === undefined || s.versionId !== e.versionId || s.id === e.id)
        fail(`elements[${i}].substitute`, `"${e.substitute}" is not another element right of version "${e.versionId}"`);
    }
    e.clearances.forEach((c, j) => {
      if (c.zone !== undefined) checkZone(c.zone, `elements[${i}].clearances[${j}].zone`);
    });
  });
}

function checkZone(zone: string, where: string): void {
  try {
    zoneClock(zone);
  } catch {
    fail(where, `${JSON.stringify(zone)} is not an IANA zone`);
  }
}
