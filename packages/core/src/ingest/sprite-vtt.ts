/** The layout of a sprite sheet set, as planned. */
export interface SpriteLayout {
  readonly intervalSeconds: number;
  readonly tileWidth: number;
  readonly tileHeight: number;
  readonly columns: number;
  readonly rows: number;
  /** Tiles actually made. */
  readonly tiles: number;
  readonly durationSeconds: number;
}

const stamp = (seconds: number): string => {
  const ms = Math.round(seconds * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(h)}:${two(m)}:${two(s)}.${String(ms % 1000).padStart(3, '0')}`;
};

/**
 * The WebVTT of a sprite sheet set: one cue per tile, `sheet#xywh=x,y,w,h` (the media fragment
 * players use for scrubbing previews), tiles left to right, top to bottom, sheet after sheet.
 */
export function spriteVtt(layout: SpriteLayout, sheetName: (sheet: number) => string): string {
  const perSheet = layout.columns * layout.rows;
  const cues = ['WEBVTT', ''];
  for (let i = 0; i < layout.tiles; i++) {
    const start = i * layout.intervalSeconds;
    if (start >= layout.durationSeconds) break;
    const end = Math.min(layout.durationSeconds, start + layout.intervalSeconds);
    const sheet = Math.floor(i / perSheet);
    const within = i % perSheet;
    const x = (within % layout.columns) * layout.tileWidth;
    const y = Math.floor(within / layout.columns) * layout.tileHeight;
    cues.push(
      `${stamp(start)} --> ${stamp(end)}`,
      `${sheetName(sheet)}#xywh=${x},${y},${layout.tileWidth},${layout.tileHeight}`,
      '',
    );
  }
  return cues.join('\n');
}
