/**
 * Escaping for ffmpeg filter graphs. A value reaches a filter through two parsers: the graph's
 * (`[`, `]`, `,`, `;` separate filters and pads, `'` quotes, `\` escapes) and then the filter's
 * option list (`:` separates options, `'` quotes, `\` escapes). A value is made literal for both by
 * escaping it for the option level, then escaping that for the graph level, with backslashes only
 * (no quotes, which cannot hold a quote of their own).
 */

/** Escape a value for a filter's option list (`key=value:key=value`). */
export function escapeOptionValue(value: string): string {
  // Whitespace too: the parser skips it at the start of a value and trims it at the end.
  return value.replace(/[\\':\s]/g, (c) => `\\${c}`);
}

/** Escape a filter's argument string for the graph level. */
export function escapeGraphLevel(args: string): string {
  return args.replace(/[\\'[\],;\s]/g, (c) => `\\${c}`);
}

/**
 * A value made literal for a filter option inside a filter graph (both levels). Refuses nothing:
 * every character, including quotes, colons, backslashes, brackets and `%{…}`, arrives as itself
 * (drawtext's own `%{…}` expansion is a third level: turn it off with `expansion=none`).
 */
export function filterValue(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a NUL would end the C string early
  if (/\u0000/.test(value)) throw new RangeError('A filter value cannot contain NUL');
  return escapeGraphLevel(escapeOptionValue(value));
}
