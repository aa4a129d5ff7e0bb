import { randomBytes } from 'node:crypto';
import type { DeliveryFile } from '@framewise/core/delivery';
import type { YouTubeApi } from './api.js';
import { Failure } from './failure.js';

/** Largest custom thumbnail the API takes. */
const THUMBNAIL_MAX_BYTES = 2 * 1024 * 1024;
/** Largest caption file the API takes. */
const CAPTION_MAX_BYTES = 100 * 1024 * 1024;

/** The whole of a small file (a thumbnail, a caption track), refusing one over `limit` bytes. */
async function readWhole(file: DeliveryFile, limit: number, what: string): Promise<Buffer> {
  if (file.sizeBytes > limit)
    throw Failure.failed(
      'INVALID_INPUT',
      `${what} "${file.name}" is ${file.sizeBytes} bytes; YouTube takes at most ${limit}`,
    );
  const parts: Buffer[] = [];
  for await (const part of await file.open(0))
    parts.push(Buffer.isBuffer(part) ? part : Buffer.from(part as Uint8Array));
  const body = Buffer.concat(parts);
  if (body.length !== file.sizeBytes)
    throw Failure.failed(
      'INTEGRITY',
      `${what} "${file.name}" has ${body.length} bytes; its package says ${file.sizeBytes}`,
    );
  return body;
}

/** `thumbnails.set`: the video's custom thumbnail (JPEG or PNG, at most 2 MB). */
export async function setThumbnail(api: YouTubeApi, videoId: string, file: DeliveryFile, signal?: AbortSignal) {
  const contentType = file.contentType ?? (/\.png$/i.test(file.name) ? 'image/png' : 'image/jpeg');
  if (!/^image\/(jpeg|png)$/.test(contentType))
    throw Failure.failed(
      'INVALID_INPUT',
      `thumbnail "${file.name}" is ${contentType}; YouTube takes image/jpeg or image/png`,
    );
  const body = await readWhole(file, THUMBNAIL_MAX_BYTES, 'thumbnail');
  await api.json({
    method: 'POST',
    url: '/upload/youtube/v3/thumbnails/set',
    query: { videoId, uploadType: 'media' },
    headers: { 'content-type': contentType, 'content-length': String(body.length) },
    body,
    operation: `thumbnails.set of "${file.name}"`,
    signal,
  });
}

/** A caption track as the API returns it. */
interface CaptionResource {
  readonly id: string;
  readonly snippet?: { readonly language?: string; readonly name?: string };
}

/** A `multipart/related` body: the JSON metadata, then the media. */
function multipartRelated(metadata: unknown, media: Buffer, mediaType: string): { body: Buffer; contentType: string } {
  const boundary = `framewise_${randomBytes(12).toString('hex')}`;
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\ncontent-type: application/json; charset=UTF-8\r\n\r\n${JSON.stringify(metadata)}\r\n--${boundary}\r\ncontent-type: ${mediaType}\r\n\r\n`,
    ),
    media,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, contentType: `multipart/related; boundary=${boundary}` };
}

/**
 * Upload a caption track: `captions.update` of the known track, else `captions.insert`. An insert
 * that the API says already exists (the answer to an earlier insert was lost) adopts that track and
 * updates it, so a retry never leaves two tracks.
 */
export async function putCaption(
  api: YouTubeApi,
  videoId: string,
  file: DeliveryFile,
  name: string,
  knownId: string | undefined,
  signal?: AbortSignal,
): Promise<string> {
  if (file.language === undefined)
    throw Failure.failed('INVALID_INPUT', `caption file "${file.name}" has no language: YouTube needs one per track`);
  const media = await readWhole(file, CAPTION_MAX_BYTES, 'caption file');
  const mediaType = file.contentType ?? 'application/octet-stream';
  const update = async (id: string) => {
    const { body, contentType } = multipartRelated({ id, snippet: { isDraft: false } }, media, mediaType);
    const caption = await api.json<CaptionResource>({
      method: 'PUT',
      url: '/upload/youtube/v3/captions',
      query: { part: 'snippet', uploadType: 'multipart' },
      headers: { 'content-type': contentType },
      body,
      operation: `captions.update of "${file.name}"`,
      signal,
    });
    return caption.id;
  };
  if (knownId !== undefined) {
    try {
      return await update(knownId);
    } catch (error) {
      // The track was deleted at YouTube: insert it again.
      if (!(error instanceof Failure && error.outcome.kind === 'failed' && error.outcome.code === 'NOT_FOUND'))
        throw error;
    }
  }
  const metadata = { snippet: { videoId, language: file.language, name, isDraft: false } };
  const { body, contentType } = multipartRelated(metadata, media, mediaType);
  try {
    const caption = await api.json<CaptionResource>({
      method: 'POST',
      url: '/upload/youtube/v3/captions',
      query: { part: 'snippet', uploadType: 'multipart' },
      headers: { 'content-type': contentType },
      body,
      operation: `captions.insert of "${file.name}"`,
      signal,
    });
    return caption.id;
  } catch (error) {
    if (!(error instanceof Failure && error.outcome.kind === 'failed' && error.outcome.code === 'CONFLICT'))
      throw error;
    const list = await api.json<{ items?: CaptionResource[] }>({
      method: 'GET',
      url: '/youtube/v3/captions',
      query: { part: 'snippet', videoId },
      operation: 'captions.list',
      signal,
    });
    const existing = list.items?.find((c) => c.snippet?.language === file.language && (c.snippet?.name ?? '') === name);
    if (existing === undefined) throw error;
    return update(existing.id);
  }
}

/** `captions.delete`; a track already gone counts as deleted. */
export async function deleteCaption(api: YouTubeApi, id: string, signal?: AbortSignal): Promise<void> {
  const response = await api.call({
    method: 'DELETE',
    url: '/youtube/v3/captions',
    query: { id },
    operation: 'captions.delete',
    accept: [404],
    signal,
  });
  await response.body?.cancel();
}
