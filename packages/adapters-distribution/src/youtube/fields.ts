import type { MetadataFieldSpecSchema } from '@framewise/core/delivery';
import { z } from 'zod';

const noAngleBrackets = (s: string) => !/[<>]/.test(s);

/**
 * The package fields a YouTube endpoint takes (the profile's mapping produces them), with the
 * API's limits: a title of 1–100 characters, a description of at most 5 000 bytes, neither with
 * `<` or `>`; tags of at most 500 characters joined by commas (a tag with a space counts its
 * quotes). Unknown fields are refused, so a mapping's typo is not silently ignored.
 */
export const YouTubeFieldsSchema = z
  .object({
    title: z
      .string()
      .trim()
      .min(1)
      .refine((s) => [...s].length <= 100, 'must be at most 100 characters')
      .refine(noAngleBrackets, 'must not contain < or >'),
    description: z
      .string()
      .refine((s) => Buffer.byteLength(s) <= 5000, 'must be at most 5000 bytes in UTF-8')
      .refine(noAngleBrackets, 'must not contain < or >')
      .optional(),
    tags: z
      .array(z.string().min(1).max(500).refine(noAngleBrackets, 'must not contain < or >'))
      .refine(
        (tags) => tags.reduce((n, t) => n + [...t].length + (t.includes(' ') ? 2 : 0), 0) + tags.length - 1 <= 500,
        'must be at most 500 characters together (commas between tags, quotes around tags with spaces)',
      )
      .optional(),
    /** A YouTube video category id (`22` People & Blogs, `24` Entertainment, `1` Film & Animation). */
    categoryId: z
      .string()
      .regex(/^\d{1,3}$/, 'must be a YouTube category id')
      .optional(),
    defaultLanguage: z.string().min(2).max(35).optional(),
    defaultAudioLanguage: z.string().min(2).max(35).optional(),
    privacyStatus: z.enum(['public', 'unlisted', 'private']).optional(),
    license: z.enum(['youtube', 'creativeCommon']).optional(),
    embeddable: z.boolean().optional(),
    publicStatsViewable: z.boolean().optional(),
    selfDeclaredMadeForKids: z.boolean().optional(),
    containsSyntheticMedia: z.boolean().optional(),
    /** A caption track's display name, per language (`{ fr: 'Français (SDH)' }`). */
    captionNames: z.record(z.string(), z.string().max(150)).optional(),
  })
  .strict();
/** The fields of a YouTube package. */
export type YouTubeFields = z.output<typeof YouTubeFieldsSchema>;

/**
 * YouTube's limits as delivery profile metadata specs, so `validateDelivery` refuses a title that
 * is too long before anything is sent (spread into the profile's `metadata`).
 */
export const youtubeMetadataFields: readonly z.input<typeof MetadataFieldSpecSchema>[] = [
  { field: 'title', required: true, maxLength: 100, forbiddenCharacters: '<>' },
  { field: 'description', required: false, maxLength: 5000, forbiddenCharacters: '<>' },
  { field: 'tags', required: false, maxLength: 500, joinWith: ',', forbiddenCharacters: '<>' },
  { field: 'categoryId', required: false, pattern: '\\d{1,3}' },
  { field: 'defaultLanguage', required: false, format: 'language' },
];

/** The snippet and status properties Framewise sets, from the fields and the adapter's defaults. */
export function videoResource(
  fields: YouTubeFields,
  defaults: { readonly categoryId: string; readonly privacyStatus: 'public' | 'unlisted' | 'private' },
  publishAt: string | undefined,
): { snippet: Record<string, unknown>; status: Record<string, unknown> } {
  const snippet: Record<string, unknown> = {
    title: fields.title,
    categoryId: fields.categoryId ?? defaults.categoryId,
  };
  for (const key of ['description', 'tags', 'defaultLanguage', 'defaultAudioLanguage'] as const)
    if (fields[key] !== undefined) snippet[key] = fields[key];
  const status: Record<string, unknown> = { privacyStatus: fields.privacyStatus ?? defaults.privacyStatus };
  for (const key of [
    'license',
    'embeddable',
    'publicStatsViewable',
    'selfDeclaredMadeForKids',
    'containsSyntheticMedia',
  ] as const)
    if (fields[key] !== undefined) status[key] = fields[key];
  // Scheduled publishing: the video stays private until YouTube publishes it at that instant.
  if (publishAt !== undefined) {
    status.privacyStatus = 'private';
    status.publishAt = publishAt;
  }
  return { snippet, status };
}

/** The snippet properties a `videos.update` replaces (everything else in the snippet is read-only). */
export const SNIPPET_MUTABLE = [
  'title',
  'description',
  'tags',
  'categoryId',
  'defaultLanguage',
  'defaultAudioLanguage',
] as const;
/** The status properties a `videos.update` replaces. */
export const STATUS_MUTABLE = [
  'privacyStatus',
  'embeddable',
  'license',
  'publicStatsViewable',
  'publishAt',
  'selfDeclaredMadeForKids',
  'containsSyntheticMedia',
] as const;

/** Only the mutable properties of a part as read, so an update sends back what it does not change. */
export function mutableOf(part: Record<string, unknown> | undefined, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) if (part?.[key] !== undefined) out[key] = part[key];
  return out;
}
