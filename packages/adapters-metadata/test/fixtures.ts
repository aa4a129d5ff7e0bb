import type { AssetDescriptionInput } from '@framewise/core';

/** A fully populated description: every field the EBUCore exporter writes. */
export function richDescription(): AssetDescriptionInput {
  return {
    asset: {
      id: 'asset-harbour-101',
      kind: 'episode',
      externalIds: [
        { scheme: 'eidr', value: '10.5240/7791-8534-2C23-9030-8610-5' },
        { scheme: 'house', value: 'HL-S01E01', namespace: 'traffic' },
      ],
      titles: [
        { language: 'en', value: 'Harbour Lights — “Episode 1” & <friends>', kind: 'main' },
        { language: 'fr', value: 'Les feux du port', kind: 'main' },
        { language: 'en', value: 'HL 101', kind: 'short' },
        { language: 'ar', value: 'أضواء الميناء', kind: 'alternative' },
      ],
      synopses: [
        { language: 'en', value: 'A storm strands a ferry.\nLine two.', length: 'short' },
        { language: 'de', value: 'Ein Sturm… Zoë & Noël', length: 'long' },
      ],
      numbering: {
        seriesId: 'series-hl',
        seasonId: 'season-hl-1',
        seasonNumber: 1,
        episodeNumber: 1,
        productionNumber: '101',
      },
      genres: ['Drama', 'Thriller'],
      moods: ['tense'],
      themes: ['the sea'],
      keywords: ['ferry', 'storm'],
      credits: [
        { name: 'Ada Director', role: 'director', order: 0, personId: 'p-1' },
        { name: 'Sam Lead', role: 'actor', character: 'Captain Ruth', order: 1 },
      ],
      ratings: [{ territory: 'GB', system: 'BBFC', value: '12', descriptors: ['peril', 'mild language'] }],
      originalLanguage: 'en',
      countriesOfOrigin: ['GB', 'IE'],
      productionYear: 2024,
    },
    version: {
      id: 'ver-hl-101-tx',
      name: 'TX master',
      kind: 'master',
      rate: { num: 30000, den: 1001, dropFrame: true },
      durationFrames: 93_524,
      startTimecode: '01:00:00;00',
      language: 'en',
      territory: 'GB',
      essence: {
        container: 'mxf',
        operationalPattern: 'OP1a',
        durationFrames: 93_524,
        startTimecode: '01:00:00;00',
        sizeBytes: 19_650_000_000,
        bitRate: 50_000_000,
        video: [
          {
            codec: 'mpeg2video',
            profile: '4:2:2',
            level: 'High',
            width: 1920,
            height: 1080,
            displayAspectRatio: '16:9',
            sampleAspectRatio: '1:1',
            frameRate: { num: 30000, den: 1001, dropFrame: true },
            scan: { type: 'interlaced', fieldOrder: 'tff' },
            bitDepth: 8,
            chromaSubsampling: '4:2:2',
            colourPrimaries: 'bt709',
            transfer: 'bt709',
            matrix: 'bt709',
            colourRange: 'limited',
            hdrFormat: 'sdr',
            bitRate: 48_000_000,
          },
        ],
        audio: [
          {
            index: 1,
            codec: 'pcm_s24le',
            channels: 2,
            layout: 'stereo',
            sampleRate: 48_000,
            bitDepth: 24,
            language: 'en',
            role: 'main',
            bitRate: 2_304_000,
          },
          {
            index: 2,
            codec: 'pcm_s24le',
            channels: 6,
            layout: '5.1',
            sampleRate: 48_000,
            bitDepth: 24,
            language: 'en',
            role: 'music-and-effects',
          },
        ],
      },
      locations: [
        {
          storage: 'masters-s3',
          key: 'HL/S01/HL_S01E01_TX1.mxf',
          sizeBytes: 19_650_000_000,
          checksums: {
            sha256: 'a'.repeat(64),
            md5: 'b'.repeat(32),
            xxh64: 'c'.repeat(16),
          },
        },
        { storage: 'lto-pool-a', key: 'HL_S01E01_TX1.mxf' },
      ],
    },
    parts: [
      { id: 'seg-1', type: 'segment', title: 'Part 1', start: 0, duration: 47_000 },
      { id: 'brk-1', type: 'ad-break', start: 47_000, duration: 0 },
      { id: 'seg-2', type: 'segment', title: 'Part 2', start: 47_000, duration: 46_524 },
    ],
    rights: [
      {
        id: 'deal-42',
        summary: 'Linear TV and SVOD in GB and IE',
        holder: 'Example Pictures Ltd',
        territories: ['GB', 'IE'],
        start: '2025-01-01',
        end: '2027-12-31',
        cleared: true,
      },
    ],
    related: [
      { id: 'thumb-1', kind: 'thumbnail' },
      { id: 'trailer-1', kind: 'trailer' },
    ],
  };
}
