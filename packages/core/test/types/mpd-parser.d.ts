/** The part of mpd-parser's API the manifest tests read (the package ships no types). */
declare module 'mpd-parser' {
  interface ParsedSegment {
    readonly duration: number;
    readonly uri: string;
  }
  interface ParsedPlaylist {
    readonly attributes: {
      readonly RESOLUTION?: { readonly width: number; readonly height: number };
      readonly CODECS?: string;
      readonly BANDWIDTH?: number;
      readonly [name: string]: unknown;
    };
    readonly segments: readonly ParsedSegment[];
  }
  interface ParsedManifest {
    readonly duration: number;
    readonly playlists: readonly ParsedPlaylist[];
    readonly mediaGroups: { readonly AUDIO?: Record<string, unknown>; readonly [group: string]: unknown };
  }
  export function parse(manifest: string, options?: { manifestUri?: string }): ParsedManifest;
}
