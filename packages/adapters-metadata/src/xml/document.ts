import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { MetadataExporter } from '@framewise/core/interchange';

/** Concatenate a document stream. */
export async function collect(chunks: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const chunk of chunks) out += chunk;
  return out;
}

/**
 * Write a document to a file atomically: streamed into a temporary file beside it, flushed to
 * disk, then renamed over `path`. A failure part-way (an invalid value late in a schedule)
 * leaves no file under `path` and removes the temporary one.
 */
export async function writeDocumentFile<T>(exporter: MetadataExporter<T>, input: T, path: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.part`);
  const handle = await open(temp, 'wx');
  try {
    for await (const chunk of exporter.stream(input)) await handle.write(chunk);
    await handle.sync();
    await handle.close();
    await rename(temp, path);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw error;
  }
}
