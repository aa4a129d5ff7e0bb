/** The part of codem-isoboxer's API the packaging tests read (the package ships no types). */
declare module 'codem-isoboxer' {
  interface ISOBox {
    readonly type: string;
    readonly [field: string]: unknown;
  }
  interface ISOFile {
    fetch(type: string): ISOBox | undefined;
    fetchAll(type: string): ISOBox[];
  }
  const ISOBoxer: { parseBuffer(buffer: ArrayBufferLike): ISOFile };
  export default ISOBoxer;
}
