/**
 * Ports for interchange formats: an exporter turns a Framewise model into a document, streamed
 * as text chunks; an importer reads one back. Adapters (`@framewise/adapters-metadata/ebucore`,
 * `/bxf`) implement them.
 */

/** Serialises `TInput` as documents of one format. */
export interface MetadataExporter<TInput> {
  /** Format and version written, e.g. `ebucore-1.10`, `bxf-2022`. */
  readonly format: string;
  /** MIME type of the documents. */
  readonly mediaType: string;
  /** Usual file name suffix, e.g. `.ebucore.xml`. */
  readonly fileExtension: string;
  /**
   * The document as text chunks, produced as they are consumed, so a large document (a schedule
   * of 10 000 events) never sits in memory whole.
   *
   * @throws `INVALID_INPUT` (from the iterator) when a value cannot be written: it names the
   * field. Nothing after the last good chunk is produced.
   */
  stream(input: TInput): AsyncIterable<string>;
  /** The whole document as one string. */
  write(input: TInput): Promise<string>;
}

/** Parses documents of one format into `TOutput`. */
export interface MetadataImporter<TOutput> {
  /** Format read, e.g. `ebucore`. */
  readonly format: string;
  /**
   * Read one document (UTF-8 bytes or text). Never reads a file or the network: DTDs and external
   * entities are refused.
   *
   * @throws `INVALID_INPUT` naming the document (`options.source`) and the line and column, for
   * malformed XML, a DTD, a wrong namespace, a truncated file or values of the wrong type.
   */
  read(document: string | Uint8Array, options?: { readonly source?: string }): TOutput;
}
