/**
 * Encoders that write HDR10 static metadata (ST 2086 mastering display, MaxCLL/MaxFALL) with
 * this ffmpeg (5.1): x265 (`master-display`, `max-cll`) and SVT-AV1 (`mastering-display`,
 * `content-light`). libaom-av1, librav1e and the hardware encoders get no such option from
 * ffmpeg 5.1, so an HDR10 rung from a source with that metadata is never planned on them.
 */
export const HDR10_METADATA_ENCODERS: ReadonlySet<string> = new Set(['libx265', 'libsvtav1']);
