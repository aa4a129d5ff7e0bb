import type { AssetDescriptionInput } from '@framewise/core/interchange';

/** Framewise's asset kinds. */
export type AssetKindValue = AssetDescriptionInput['asset']['kind'];
/** Framewise's credit roles. */
export type CreditRoleValue = NonNullable<AssetDescriptionInput['asset']['credits']>[number]['role'];
/** Framewise's external id schemes. */
export type IdSchemeValue = NonNullable<AssetDescriptionInput['asset']['externalIds']>[number]['scheme'];
/** Framewise's version kinds. */
export type VersionKindValue = AssetDescriptionInput['version']['kind'];
/** Framewise's related-asset kinds. */
export type RelatedKindValue = NonNullable<AssetDescriptionInput['related']>[number]['kind'];

/**
 * Maps from EBUCore `typeLabel`s to Framewise's closed lists, for documents other systems wrote.
 * Keys are compared without case, spaces, hyphens or underscores (`Executive Producer`,
 * `executive-producer` and `EXECUTIVE_PRODUCER` are one key). A host adds its own labels with
 * the importer's `vocabularies` option; a label no map knows becomes `other` (or the field's
 * fallback) and is reported in `unmapped`, never refused.
 */
export interface EbuCoreVocabularies {
  /** `objectType` → asset kind. */
  readonly objectType?: Readonly<Record<string, AssetKindValue>>;
  /** `contributor/role` → credit role. */
  readonly role?: Readonly<Record<string, CreditRoleValue>>;
  /** `identifier` → external id scheme (`other` keeps the label as the id's namespace). */
  readonly identifier?: Readonly<Record<string, IdSchemeValue>>;
  /** `version` → version kind. */
  readonly version?: Readonly<Record<string, VersionKindValue>>;
  /** `isRelatedTo` → related-asset kind. */
  readonly related?: Readonly<Record<string, RelatedKindValue>>;
}

/** A label read through a vocabulary that knew no mapping for it. */
export interface UnmappedLabel {
  /** Which vocabulary: `objectType`, `role`, `identifier`, `version`, `related`. */
  readonly vocabulary: keyof EbuCoreVocabularies;
  /** The label as the document has it. */
  readonly label: string;
  /** What it was read as. */
  readonly readAs: string;
}

/** The built-in maps: Framewise's own values, and EBU / common broadcast labels. */
export const DEFAULT_VOCABULARIES: Required<EbuCoreVocabularies> = {
  objectType: {
    feature: 'feature',
    film: 'feature',
    movie: 'feature',
    featurefilm: 'feature',
    episode: 'episode',
    season: 'season',
    series: 'series',
    brand: 'series',
    special: 'special',
    documentary: 'documentary',
    short: 'short',
    shortfilm: 'short',
    promo: 'promo',
    promotion: 'promo',
    trailer: 'trailer',
    clip: 'clip',
    excerpt: 'clip',
    newsitem: 'news-item',
    news: 'news-item',
    liveevent: 'live-event',
    live: 'live-event',
    musicvideo: 'music-video',
    commercial: 'commercial',
    advertisement: 'commercial',
    spot: 'commercial',
    bumper: 'bumper',
    ident: 'bumper',
    other: 'other',
  },
  role: {
    actor: 'actor',
    cast: 'actor',
    performer: 'actor',
    voice: 'voice',
    voiceactor: 'voice',
    narrator: 'voice',
    presenter: 'presenter',
    host: 'presenter',
    guest: 'guest',
    director: 'director',
    writer: 'writer',
    author: 'writer',
    screenplay: 'writer',
    scriptwriter: 'writer',
    producer: 'producer',
    executiveproducer: 'executive-producer',
    composer: 'composer',
    music: 'composer',
    cinematographer: 'cinematographer',
    directorofphotography: 'cinematographer',
    dop: 'cinematographer',
    editor: 'editor',
    filmeditor: 'editor',
    creator: 'creator',
    other: 'other',
  },
  identifier: {
    eidr: 'eidr',
    isan: 'isan',
    adid: 'ad-id',
    house: 'house',
    housenumber: 'house',
    houseid: 'house',
    imdb: 'imdb',
    tms: 'tms',
    gracenote: 'gracenote',
  },
  version: {
    cameraoriginal: 'camera-original',
    master: 'master',
    mezzanine: 'mezzanine',
    proxy: 'proxy',
    conform: 'conform',
    grade: 'grade',
    vfx: 'vfx',
    localized: 'localized',
    localised: 'localized',
    cutdown: 'cut-down',
    complianceedit: 'compliance-edit',
    remaster: 'remaster',
    migrated: 'migrated',
    other: 'other',
  },
  related: {
    thumbnail: 'thumbnail',
    poster: 'poster',
    keyart: 'key-art',
    banner: 'banner',
    previewclip: 'preview-clip',
    trailer: 'trailer',
    logo: 'logo',
    document: 'document',
  },
};

/** The key a label is looked up by. */
export function vocabularyKey(label: string): string {
  return label.toLowerCase().replace(/[\s_-]+/g, '');
}

/** Looks labels up in the built-in maps overlaid with the host's, recording what it could not map. */
export class VocabularyReader {
  readonly #maps: Required<EbuCoreVocabularies>;
  readonly unmapped: UnmappedLabel[] = [];

  constructor(host: EbuCoreVocabularies = {}) {
    const merge = <K extends keyof EbuCoreVocabularies>(k: K) => {
      const out: Record<string, string> = { ...DEFAULT_VOCABULARIES[k] };
      for (const [label, value] of Object.entries<string>(host[k] ?? {})) out[vocabularyKey(label)] = value;
      return out;
    };
    this.#maps = {
      objectType: merge('objectType'),
      role: merge('role'),
      identifier: merge('identifier'),
      version: merge('version'),
      related: merge('related'),
    } as Required<EbuCoreVocabularies>;
  }

  /** The mapped value of a label, or `fallback` (recorded as unmapped). */
  map<K extends keyof EbuCoreVocabularies, F extends string>(
    vocabulary: K,
    label: string,
    fallback: F,
  ): NonNullable<EbuCoreVocabularies[K]>[string] | F {
    const map = this.#maps[vocabulary] as Record<string, string>;
    const key = vocabularyKey(label);
    const value = Object.hasOwn(map, key) ? map[key] : undefined;
    if (value !== undefined) return value as NonNullable<EbuCoreVocabularies[K]>[string];
    this.unmapped.push({ vocabulary, label, readAs: fallback });
    return fallback;
  }

  /** The mapped value of a label, or `undefined` without recording it. */
  lookup<K extends keyof EbuCoreVocabularies>(
    vocabulary: K,
    label: string,
  ): NonNullable<EbuCoreVocabularies[K]>[string] | undefined {
    const map = this.#maps[vocabulary] as Record<string, string>;
    const key = vocabularyKey(label);
    return (Object.hasOwn(map, key) ? map[key] : undefined) as NonNullable<EbuCoreVocabularies[K]>[string] | undefined;
  }
}
