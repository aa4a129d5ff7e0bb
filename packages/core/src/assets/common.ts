import { z } from 'zod';
import { unstorableText } from './json-value.js';

const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });

/**
 * A BCP-47 language tag, checked and canonicalised by the runtime's ICU (`en-us` → `en-US`,
 * `zh-hant-tw` → `zh-Hant-TW`).
 */
export const LanguageTagSchema = z
  .string()
  .min(2)
  .max(64)
  .transform((tag, ctx) => {
    try {
      const [canonical] = Intl.getCanonicalLocales(tag);
      if (canonical !== undefined) return canonical;
    } catch {
      // fall through to the issue below
    }
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(tag)} is not a BCP-47 language tag` });
    return z.NEVER;
  });

/** An ISO 3166-1 alpha-2 territory code (upper case), checked against the runtime's region list. */
export const TerritoryCodeSchema = z
  .string()
  .length(2)
  .transform((code) => code.toUpperCase())
  .refine((code) => /^[A-Z]{2}$/.test(code) && regionNames.of(code) !== undefined, {
    message: 'not an ISO 3166-1 alpha-2 territory code',
  });

/** An identifier: 1-128 characters of letters, digits and `._:-`, starting with a letter or digit. */
export const IdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/,
    'must be 1-128 letters, digits or ._:- starting with a letter or digit',
  );

/** Text without control characters (tabs and newlines allowed), trimmed, at most `max` characters. */
export function textSchema(max: number) {
  return z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !hasControlCharacter(s), { message: 'contains control characters' })
    .refine((s) => unstorableText(s) === undefined, { message: 'contains an unpaired UTF-16 surrogate' });
}

/** True when text holds a C0 control character other than tab, line feed or carriage return, or DEL. */
export function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return true;
  }
  return false;
}

/** A short label (a genre, a mood, a keyword): trimmed, 1-100 characters. */
export const LabelSchema = textSchema(100);

/** A UTC instant in ISO 8601 form, as stored on records (`2026-11-21T08:00:00.000Z`). */
export const InstantSchema = z.iso.datetime({ offset: true });

/** An exact frame rate in its JSON form, or anything `FrameRate.parse` accepts, normalised to JSON. */
export const FrameRateJsonSchema = z.object({
  num: z.number().int().positive(),
  den: z.number().int().positive(),
  dropFrame: z.boolean(),
});
