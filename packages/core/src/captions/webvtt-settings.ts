import type { CaptionIssue } from './issues.js';
import type { CaptionAnchor, CaptionRegion, CuePlacement } from './model.js';

const PERCENT = /^(\d+(?:\.\d+)?)%$/;
const LINE_NUMBER = /^-?\d+(?:\.\d+)?$/;
const WHITESPACE = /[ \t\n\f\r]+/;

/** A WebVTT percentage (`37%`, `1.5%`) in 0-100, or undefined. */
function percent(text: string): number | undefined {
  const m = PERCENT.exec(text);
  if (m === null) return undefined;
  const value = Number(m[1]);
  return value <= 100 ? value : undefined;
}

/** Split `name:value`; undefined when there is no colon or either side is empty (the spec ignores those). */
function setting(token: string): [string, string] | undefined {
  const colon = token.indexOf(':');
  if (colon <= 0 || colon === token.length - 1) return undefined;
  return [token.slice(0, colon), token.slice(colon + 1)];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Cue settings as the WebVTT parsing algorithm reads them: unknown or malformed settings are
 * ignored (and reported); an invalid alignment after a valid `position`/`line` keeps the value.
 */
export function readCueSettings(
  text: string,
  regions: ReadonlyMap<string, CaptionRegion>,
  issues: CaptionIssue[],
  line: number,
): { region?: string; placement?: CuePlacement } {
  const placement: Mutable<CuePlacement> = {};
  let region: string | undefined;
  const ignore = (token: string): void => {
    issues.push({ code: 'setting.ignored', message: `cue setting ${JSON.stringify(token)} ignored`, line });
  };
  for (const token of text.split(WHITESPACE)) {
    if (token === '') continue;
    const pair = setting(token);
    if (pair === undefined) {
      ignore(token);
      continue;
    }
    const [name, value] = pair;
    switch (name) {
      case 'region':
        if (regions.has(value)) region = value;
        else ignore(token);
        break;
      case 'vertical':
        if (value === 'rl' || value === 'lr') placement.vertical = value;
        else ignore(token);
        break;
      case 'line': {
        const comma = value.indexOf(',');
        const pos = comma < 0 ? value : value.slice(0, comma);
        const align = comma < 0 ? undefined : value.slice(comma + 1);
        if (pos.endsWith('%')) {
          const p = percent(pos);
          if (p === undefined) {
            ignore(token);
            break;
          }
          placement.line = { value: p, unit: 'percent' };
        } else if (LINE_NUMBER.test(pos) && Number.isInteger(Number(pos)) && Math.abs(Number(pos)) <= 1000) {
          placement.line = { value: Number(pos), unit: 'line' };
        } else {
          ignore(token);
          break;
        }
        if (align === 'start' || align === 'center' || align === 'end') placement.lineAlign = align;
        else if (align !== undefined) ignore(`line alignment ${align}`);
        break;
      }
      case 'position': {
        const comma = value.indexOf(',');
        const p = percent(comma < 0 ? value : value.slice(0, comma));
        const align = comma < 0 ? undefined : value.slice(comma + 1);
        if (p === undefined) {
          ignore(token);
          break;
        }
        placement.position = p;
        if (align === 'line-left' || align === 'center' || align === 'line-right') placement.positionAlign = align;
        else if (align !== undefined) ignore(`position alignment ${align}`);
        break;
      }
      case 'size': {
        const p = percent(value);
        if (p === undefined) ignore(token);
        else placement.size = p;
        break;
      }
      case 'align':
        if (value === 'start' || value === 'center' || value === 'end' || value === 'left' || value === 'right') {
          placement.align = value;
        } else ignore(token);
        break;
      default:
        ignore(token);
    }
  }
  const out: { region?: string; placement?: CuePlacement } = {};
  if (region !== undefined) out.region = region;
  if (Object.keys(placement).length > 0) out.placement = placement;
  return out;
}

function anchor(text: string): CaptionAnchor | undefined {
  const comma = text.indexOf(',');
  if (comma < 0) return undefined;
  const x = percent(text.slice(0, comma));
  const y = percent(text.slice(comma + 1));
  return x === undefined || y === undefined ? undefined : { x, y };
}

/** A REGION block's settings; undefined (reported) when it has no usable id. */
export function readRegion(text: string, issues: CaptionIssue[], line: number): CaptionRegion | undefined {
  const region: Mutable<CaptionRegion> = {
    id: '',
    width: 100,
    lines: 3,
    regionAnchor: { x: 0, y: 100 },
    viewportAnchor: { x: 0, y: 100 },
    scroll: 'none',
  };
  const ignore = (token: string): void => {
    issues.push({ code: 'region-setting.ignored', message: `region setting ${JSON.stringify(token)} ignored`, line });
  };
  for (const token of text.split(WHITESPACE)) {
    if (token === '') continue;
    const pair = setting(token);
    if (pair === undefined) {
      ignore(token);
      continue;
    }
    const [name, value] = pair;
    if (name === 'id' && !value.includes('-->') && value.length <= 256) region.id = value;
    else if (name === 'width' && percent(value) !== undefined) region.width = percent(value) as number;
    else if (name === 'lines' && /^\d{1,4}$/.test(value) && Number(value) <= 1000) region.lines = Number(value);
    else if (name === 'regionanchor' && anchor(value) !== undefined)
      region.regionAnchor = anchor(value) as CaptionAnchor;
    else if (name === 'viewportanchor' && anchor(value) !== undefined)
      region.viewportAnchor = anchor(value) as CaptionAnchor;
    else if (name === 'scroll' && value === 'up') region.scroll = 'up';
    else ignore(token);
  }
  if (region.id === '') {
    issues.push({ code: 'region.dropped', message: 'region without an id dropped', line });
    return undefined;
  }
  return region;
}

/** A number as WebVTT writes percentages and line numbers: no exponent. */
export function vttNumber(value: number): string {
  const text = String(value);
  return text.includes('e') ? value.toFixed(9).replace(/\.?0+$/, '') : text;
}

/** The settings text of a cue (without the leading space), empty when it has none. */
export function writeCueSettings(region: string | undefined, p: CuePlacement | undefined): string {
  const out: string[] = [];
  if (region !== undefined) out.push(`region:${region}`);
  if (p !== undefined) {
    if (p.vertical !== undefined) out.push(`vertical:${p.vertical}`);
    if (p.line !== undefined) {
      const v = vttNumber(p.line.value) + (p.line.unit === 'percent' ? '%' : '');
      out.push(`line:${v}${p.lineAlign === undefined ? '' : `,${p.lineAlign}`}`);
    }
    if (p.position !== undefined) {
      out.push(`position:${vttNumber(p.position)}%${p.positionAlign === undefined ? '' : `,${p.positionAlign}`}`);
    }
    if (p.size !== undefined) out.push(`size:${vttNumber(p.size)}%`);
    if (p.align !== undefined) out.push(`align:${p.align}`);
  }
  return out.join(' ');
}

/** A REGION block (without the trailing blank line). */
export function writeRegion(r: CaptionRegion): string {
  const a = (x: CaptionAnchor): string => `${vttNumber(x.x)}%,${vttNumber(x.y)}%`;
  return [
    'REGION',
    `id:${r.id}`,
    `width:${vttNumber(r.width)}%`,
    `lines:${r.lines}`,
    `regionanchor:${a(r.regionAnchor)}`,
    `viewportanchor:${a(r.viewportAnchor)}`,
    ...(r.scroll === 'up' ? ['scroll:up'] : []),
  ].join('\n');
}
