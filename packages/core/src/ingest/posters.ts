/** One frame the poster branch selected, with its measurements. */
export interface PosterCandidate {
  /** 1-based index of the file the branch wrote (`poster-0001.jpg` is 1). */
  readonly index: number;
  /** Presentation time in seconds. */
  readonly seconds: number;
  /** Scene-change score 0-1 (0 for interval picks). */
  readonly scene: number;
  readonly yavg: number;
  readonly ylow: number;
  readonly yhigh: number;
  /** Mean absolute luma difference from the source's previous frame. */
  readonly ydif: number;
  readonly satavg: number;
}

/** A candidate judged: kept or not, and its score. */
export interface ScoredPoster extends PosterCandidate {
  readonly score: number;
  /** Why it is not usable (`black`, `frozen`), or undefined. */
  readonly rejected?: 'black' | 'frozen';
}

/**
 * Parse the `metadata=mode=print` log lines of the poster branch (`frame:N pts:P pts_time:T`
 * followed by `key=value` lines) into candidates, in output order.
 */
export function parsePosterLog(lines: readonly string[]): PosterCandidate[] {
  const out: PosterCandidate[] = [];
  let current: Record<string, number> | undefined;
  let seconds = 0;
  const flush = () => {
    if (current === undefined) return;
    const c = current;
    out.push({
      index: out.length + 1,
      seconds,
      scene: c['lavfi.scene_score'] ?? 0,
      yavg: c['lavfi.signalstats.YAVG'] ?? 0,
      ylow: c['lavfi.signalstats.YLOW'] ?? 0,
      yhigh: c['lavfi.signalstats.YHIGH'] ?? 0,
      ydif: c['lavfi.signalstats.YDIF'] ?? 0,
      satavg: c['lavfi.signalstats.SATAVG'] ?? 0,
    });
    current = undefined;
  };
  for (const line of lines) {
    const frame = /\bframe:\s*\d+\s+pts:\s*-?\d+\s+pts_time:\s*(-?[\d.]+)/.exec(line);
    if (frame) {
      flush();
      current = {};
      seconds = Number(frame[1]);
      continue;
    }
    const kv = /\b(lavfi\.[\w.]+)=(-?[\d.]+(?:e-?\d+)?)\s*$/.exec(line);
    if (kv && current !== undefined) current[kv[1] as string] = Number(kv[2]);
  }
  flush();
  return out;
}

/**
 * Score candidates for a poster: contrast (YHIGH−YLOW) counts most, then a mid-range average
 * brightness, colour, and being the first frame of a shot. Black frames (almost no contrast, or a
 * dark average) and frozen ones (no change from the previous source frame, except the first frame)
 * are rejected.
 */
export function scorePosters(candidates: readonly PosterCandidate[]): ScoredPoster[] {
  return candidates.map((c) => {
    const contrast = Math.max(0, c.yhigh - c.ylow) / 219;
    const brightness = 1 - Math.min(1, Math.abs(c.yavg - 126) / 110);
    const colour = Math.min(1, c.satavg / 64);
    const score =
      Math.round((0.45 * contrast + 0.25 * brightness + 0.15 * colour + 0.15 * Math.min(1, c.scene)) * 1000) / 1000;
    const rejected =
      c.yhigh - c.ylow < 12 || c.yavg < 24
        ? ('black' as const)
        : c.seconds > 0 && c.ydif < 0.05
          ? ('frozen' as const)
          : undefined;
    return { ...c, score, ...(rejected ? { rejected } : {}) };
  });
}

/** The best `count` usable candidates, best first, at least `minGapSeconds` apart. */
export function choosePosters(scored: readonly ScoredPoster[], count: number, minGapSeconds = 1): ScoredPoster[] {
  const chosen: ScoredPoster[] = [];
  for (const c of [...scored]
    .filter((s) => s.rejected === undefined)
    .sort((a, b) => b.score - a.score || a.seconds - b.seconds)) {
    if (chosen.length >= count) break;
    if (chosen.every((p) => Math.abs(p.seconds - c.seconds) >= minGapSeconds)) chosen.push(c);
  }
  return chosen;
}
