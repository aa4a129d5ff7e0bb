/** The part of webvtt-parser's API the caption tests use as an oracle (the package ships no types). */
declare module 'webvtt-parser' {
  interface WebVttParserCue {
    readonly id: string;
    readonly startTime: number;
    readonly endTime: number;
    readonly direction: string;
    readonly snapToLines: boolean;
    readonly linePosition: number | 'auto';
    readonly lineAlign: string;
    readonly textPosition: number | 'auto';
    readonly positionAlign: string;
    readonly size: number;
    readonly alignment: string;
    readonly region: unknown;
    readonly text: string;
  }
  interface WebVttParserError {
    readonly message: string;
    readonly line: number;
    readonly col: number;
  }
  interface WebVttParseTree {
    readonly cues: WebVttParserCue[];
    readonly errors: WebVttParserError[];
    readonly regions?: unknown[];
  }
  export class WebVTTParser {
    parse(input: string, mode?: 'metadata' | 'chapters'): WebVttParseTree;
  }
  export class WebVTTSerializer {
    serialize(cues: readonly WebVttParserCue[], styles?: unknown): string;
  }
}
