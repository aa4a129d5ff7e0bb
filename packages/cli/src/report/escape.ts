/** Escape text for HTML element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * JSON safe inside a `<script type="application/json">` element: `<`, `>`, `&` and the two line
 * separators JavaScript once refused are written as escapes, so no string can close the element.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A number with at most `digits` decimals, or a dash. */
export function num(value: number | undefined | null, digits = 1): string {
  return value === undefined || value === null || !Number.isFinite(value)
    ? '–'
    : String(Math.round(value * 10 ** digits) / 10 ** digits);
}
