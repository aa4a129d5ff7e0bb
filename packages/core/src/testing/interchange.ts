import { describe, expect, it } from 'vitest';
import { isFramewiseError, type MetadataExporter, type MetadataImporter } from '../index.js';

/** What the interchange conformance suite needs. */
export interface InterchangeConformanceOptions<TInput, TOutput = never> {
  /** A fresh exporter with a fixed clock and id source (documents must be reproducible). */
  readonly exporter: () => MetadataExporter<TInput>;
  /** Valid inputs, from minimal to fully populated. */
  readonly samples: readonly TInput[];
  /** An input holding a control character (U+0007, say) in a text field, and that field's path. */
  readonly withControlCharacter: { readonly input: TInput; readonly field: string };
  /** Checks a document against the format's official schema; returns the schema's errors. */
  readonly validate: (document: string) => Promise<readonly string[]>;
  /** When the format has an importer: it and what a sample should read back as. */
  readonly importer?: {
    readonly create: () => MetadataImporter<TOutput>;
    readonly expected: (input: TInput) => TOutput;
  };
}

/**
 * The conformance suite of the {@link MetadataExporter} and {@link MetadataImporter} ports:
 * documents are valid against the official schema, streamed and whole output agree, output is
 * reproducible, text XML cannot carry is refused (typed, naming the field) before anything is
 * produced, and an importer reads back what was written. Framewise's EBUCore and BXF adapters
 * pass it; a third-party format adapter runs it the same way.
 */
export function interchangeConformance<TInput, TOutput = never>(
  name: string,
  options: InterchangeConformanceOptions<TInput, TOutput>,
): void {
  describe(`MetadataExporter conformance: ${name}`, () => {
    it('describes itself', () => {
      const exporter = options.exporter();
      expect(exporter.format).toMatch(/^[a-z0-9.-]+$/);
      expect(exporter.mediaType).toMatch(/^[a-z]+\/[a-z0-9.+-]+$/);
      expect(exporter.fileExtension.startsWith('.')).toBe(true);
    });

    it('writes documents valid against the official schema', async () => {
      expect(options.samples.length).toBeGreaterThan(0);
      for (const sample of options.samples) {
        const document = await options.exporter().write(sample);
        expect(await options.validate(document)).toEqual([]);
      }
    });

    it('streams the same document it writes whole, and writes the same document twice', async () => {
      for (const sample of options.samples) {
        let streamed = '';
        for await (const chunk of options.exporter().stream(sample)) {
          expect(typeof chunk).toBe('string');
          streamed += chunk;
        }
        expect(streamed).toBe(await options.exporter().write(sample));
        expect(await options.exporter().write(sample)).toBe(streamed);
      }
    });

    it('refuses text XML cannot carry with INVALID_INPUT naming the field, before producing output', async () => {
      const chunks: string[] = [];
      let error: unknown;
      try {
        for await (const chunk of options.exporter().stream(options.withControlCharacter.input)) chunks.push(chunk);
      } catch (e) {
        error = e;
      }
      expect(isFramewiseError(error, 'INVALID_INPUT'), String(error)).toBe(true);
      expect((error as Error).message).toContain(options.withControlCharacter.field);
      const written = chunks.join('');
      const control = [...written].some((c) => {
        const code = c.charCodeAt(0);
        return code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d;
      });
      expect(control, 'a control character was written').toBe(false);
    });

    if (options.importer !== undefined) {
      const importer = options.importer;
      it('reads back what it wrote', async () => {
        for (const sample of options.samples) {
          const document = await options.exporter().write(sample);
          expect(importer.create().read(document, { source: 'conformance' })).toEqual(importer.expected(sample));
        }
      });

      it('refuses malformed documents with INVALID_INPUT naming the source', () => {
        for (const bad of ['', '<a', '<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>']) {
          let error: unknown;
          try {
            importer.create().read(bad, { source: 'bad.xml' });
          } catch (e) {
            error = e;
          }
          expect(isFramewiseError(error, 'INVALID_INPUT'), String(error)).toBe(true);
          expect((error as Error).message).toContain('bad.xml');
        }
      });
    }
  });
}
