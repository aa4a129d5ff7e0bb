declare module 'smpte-timecode' {
  interface SmpteTimecode {
    frameCount: number;
    toString(): string;
  }
  function Timecode(timeCode: number | string, frameRate?: number, dropFrame?: boolean): SmpteTimecode;
  export default Timecode;
}
