/**
 * A small local server that answers the documented S3 REST API (XML bodies, headers) for the calls
 * s3rver lacks — RestoreObject and archive status, UploadPartCopy, AbortMultipartUpload, storage
 * class changes, SHA-256 checksums echoed for PutObject, UploadPart and CompleteMultipartUpload,
 * conditional writes (`If-None-Match: *` → 412 PreconditionFailed) — and records every request. Not an S3 implementation: each test sets what HEAD
 * returns. Named as such in the tests that use it.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the server saw it. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  /** SHA-256 of the body as received, hex. */
  readonly bodySha256: string;
}

/** The fake's state, set by tests. */
export interface S3ProtocolServer {
  readonly endpoint: string;
  readonly requests: RecordedRequest[];
  /** What HEAD answers for any key. */
  head: { sizeBytes: number; storageClass?: string; restore?: string };
  /** Delay of UploadPart answers, ms. */
  uploadPartDelayMs: number;
  /** Delay before answering CreateMultipartUpload (the upload exists from the request on). */
  createUploadDelayMs: number;
  /**
   * Whether `x-amz-checksum-sha256` is echoed, as S3 does — computed over what was stored, as S3
   * does — and CompleteMultipartUpload answers the composite checksum (default false: like s3rver).
   */
  echoChecksums: boolean;
  /**
   * A part number whose first byte is stored flipped (a server corrupting silently); 1 also
   * corrupts a single-request PutObject.
   */
  corruptPart: number | undefined;
  /**
   * Refuse a body whose Content-MD5 or `x-amz-checksum-sha256` does not match what was stored,
   * with S3's 400 BadDigest (default false: store it regardless).
   */
  rejectBadDigest: boolean;
  /** CompleteMultipartUpload answers an ETag and checksum of other bytes (default false). */
  misreportComplete: boolean;
  /**
   * What ListMultipartUploads answers (in pages of `maxUploads`, with key and upload-id markers);
   * AbortMultipartUpload removes the upload from it.
   */
  uploads: { key: string; uploadId: string; initiated: string }[];
  /**
   * Conditional writes, as S3 does them and s3rver does not (default false: like s3rver, which
   * ignores `If-None-Match` and overwrites). When true, the server keeps which keys hold an object
   * (`objects`: set by tests, and by every PutObject and CompleteMultipartUpload), HEAD answers from
   * it (404 NoSuchKey for other keys), and a PutObject or CompleteMultipartUpload with
   * `If-None-Match: *` on a key that holds one answers 412 PreconditionFailed and stores nothing.
   */
  conditionalWrites: boolean;
  /** Keys holding an object, with its size and ETag (used when `conditionalWrites`). */
  objects: Map<string, { sizeBytes: number; etag: string }>;
  /**
   * Called when a write (PutObject, CompleteMultipartUpload) arrives, before its condition is
   * checked: a test puts another writer's object there to land between a put's HEAD and its write.
   */
  beforeWrite: ((key: string) => void) | undefined;
  close(): Promise<void>;
}

const xml = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;

export async function startS3ProtocolServer(): Promise<S3ProtocolServer> {
  const requests: RecordedRequest[] = [];
  const state: Pick<
    S3ProtocolServer,
    | 'head'
    | 'uploadPartDelayMs'
    | 'createUploadDelayMs'
    | 'echoChecksums'
    | 'corruptPart'
    | 'rejectBadDigest'
    | 'misreportComplete'
    | 'uploads'
    | 'conditionalWrites'
    | 'objects'
    | 'beforeWrite'
  > = {
    head: { sizeBytes: 0 },
    uploadPartDelayMs: 0,
    createUploadDelayMs: 0,
    echoChecksums: false,
    corruptPart: undefined,
    rejectBadDigest: false,
    misreportComplete: false,
    uploads: [],
    conditionalWrites: false,
    objects: new Map(),
    beforeWrite: undefined,
  };
  /** Under `conditionalWrites`: whether a write to the key must be refused (412), after `beforeWrite`. */
  const preconditionFails = (req: IncomingMessage, key: string) => {
    state.beforeWrite?.(key);
    return state.conditionalWrites && req.headers['if-none-match'] === '*' && state.objects.has(key);
  };
  const preconditionFailed = (send: (s: number, t?: string) => void) =>
    send(
      412,
      xml(
        '<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message><Condition>If-None-Match</Condition></Error>',
      ),
    );
  // Digests of the parts stored, by part number (one upload at a time, as the tests use it).
  const stored = new Map<number, { md5: Buffer; sha256: Buffer; size?: number }>();
  const digestsOf = (bytes: Buffer) => ({
    md5: createHash('md5').update(bytes).digest(),
    sha256: createHash('sha256').update(bytes).digest(),
  });
  const checksumHeader = (req: IncomingMessage, sha256: Buffer): Record<string, string> =>
    state.echoChecksums && req.headers['x-amz-checksum-sha256'] !== undefined
      ? { 'x-amz-checksum-sha256': sha256.toString('base64') }
      : {};
  /** The body as stored (corrupted when asked), or undefined after answering BadDigest. */
  const store = (req: IncomingMessage, body: Buffer, n: number, send: (s: number, t?: string) => void) => {
    const kept = Buffer.from(body);
    if (state.corruptPart === n && kept.length > 0) kept[0] = (kept[0] as number) ^ 0xff;
    const digests = digestsOf(kept);
    const md5 = req.headers['content-md5'];
    const sha256 = req.headers['x-amz-checksum-sha256'];
    if (
      state.rejectBadDigest &&
      ((md5 !== undefined && md5 !== digests.md5.toString('base64')) ||
        (sha256 !== undefined && sha256 !== digests.sha256.toString('base64')))
    ) {
      send(
        400,
        xml(
          '<Error><Code>BadDigest</Code><Message>The Content-MD5 or checksum you specified did not match what we received.</Message></Error>',
        ),
      );
      return undefined;
    }
    return digests;
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://local');
      const body = Buffer.concat(chunks);
      const q = url.searchParams;
      requests.push({
        method: req.method ?? '',
        path: decodeURIComponent(url.pathname),
        query: q,
        headers: req.headers,
        body: body.toString('utf8'),
        bodySha256: createHash('sha256').update(body).digest('hex'),
      });
      const send = (status: number, text = '', headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/xml', ...headers });
        res.end(text);
      };
      const key = decodeURIComponent(url.pathname).split('/').slice(2).join('/');
      if (req.method === 'HEAD' && state.conditionalWrites) {
        const object = state.objects.get(key);
        if (object === undefined) {
          res.writeHead(404);
          res.end();
          return;
        }
        res.writeHead(200, {
          'content-length': String(object.sizeBytes),
          etag: `"${object.etag}"`,
          'last-modified': new Date().toUTCString(),
        });
        res.end();
        return;
      }
      if (req.method === 'HEAD') {
        const h: Record<string, string> = {
          'content-length': String(state.head.sizeBytes),
          etag: '"0123456789abcdef0123456789abcdef"',
          'last-modified': 'Sat, 21 Nov 2026 00:00:00 GMT',
        };
        if (state.head.storageClass) h['x-amz-storage-class'] = state.head.storageClass;
        if (state.head.restore) h['x-amz-restore'] = state.head.restore;
        res.writeHead(200, h);
        res.end();
        return;
      }
      if (req.method === 'POST' && q.has('uploads')) {
        stored.clear();
        const answer = xml(
          `<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>${key}</Key><UploadId>upload-1</UploadId></InitiateMultipartUploadResult>`,
        );
        setTimeout(() => send(200, answer), state.createUploadDelayMs);
        return;
      }
      if (req.method === 'POST' && q.has('uploadId')) {
        if (preconditionFails(req, key)) return preconditionFailed(send);
        // S3's multipart ETag and composite checksum: the digest of the parts' digests, "-" count.
        const numbers = [...stored.keys()].sort((a, b) => a - b);
        const of = (k: 'md5' | 'sha256') =>
          createHash(k)
            .update(Buffer.concat(numbers.map((n) => stored.get(n)?.[k] ?? Buffer.alloc(0))))
            .digest();
        const wrong = (digest: Buffer) =>
          state.misreportComplete ? createHash('md5').update(digest).digest() : digest;
        const etag = numbers.length === 0 ? 'done-1' : `${wrong(of('md5')).toString('hex')}-${numbers.length}`;
        const checksum =
          state.echoChecksums && numbers.length > 0
            ? `<ChecksumSHA256>${wrong(of('sha256')).toString('base64')}-${numbers.length}</ChecksumSHA256>`
            : '';
        if (state.conditionalWrites) {
          const sizeBytes = [...stored.values()].reduce((sum, p) => sum + (p.size ?? 0), 0);
          state.objects.set(key, { sizeBytes, etag });
        }
        return send(
          200,
          xml(
            `<CompleteMultipartUploadResult><Bucket>b</Bucket><Key>${key}</Key><ETag>"${etag}"</ETag>${checksum}</CompleteMultipartUploadResult>`,
          ),
        );
      }
      if (req.method === 'POST' && q.has('restore')) return send(202);
      if (req.method === 'GET' && q.has('uploads')) {
        // ListMultipartUploads: in key, then upload id order, after the markers.
        const max = Number(q.get('max-uploads') ?? 1000);
        const keyMarker = q.get('key-marker') ?? '';
        const idMarker = q.get('upload-id-marker') ?? '';
        const sorted = [...state.uploads].sort(
          (a, b) => a.key.localeCompare(b.key) || a.uploadId.localeCompare(b.uploadId),
        );
        const after = sorted.filter(
          (u) =>
            keyMarker === '' || u.key > keyMarker || (u.key === keyMarker && idMarker !== '' && u.uploadId > idMarker),
        );
        const page = after.slice(0, max);
        const last = page.at(-1);
        const truncated = after.length > max;
        return send(
          200,
          xml(
            `<ListMultipartUploadsResult><Bucket>archive</Bucket><IsTruncated>${truncated}</IsTruncated>${
              truncated && last
                ? `<NextKeyMarker>${last.key}</NextKeyMarker><NextUploadIdMarker>${last.uploadId}</NextUploadIdMarker>`
                : ''
            }${page
              .map(
                (u) =>
                  `<Upload><Key>${u.key}</Key><UploadId>${u.uploadId}</UploadId><Initiated>${u.initiated}</Initiated><StorageClass>STANDARD</StorageClass></Upload>`,
              )
              .join('')}</ListMultipartUploadsResult>`,
          ),
        );
      }
      if (req.method === 'DELETE' && q.has('uploadId')) {
        state.uploads = state.uploads.filter((u) => u.uploadId !== q.get('uploadId'));
        return send(204);
      }
      if (req.method === 'PUT' && q.has('partNumber') && req.headers['x-amz-copy-source'])
        return send(
          200,
          xml(
            `<CopyPartResult><ETag>"part-${q.get('partNumber')}"</ETag><LastModified>2026-11-21T00:00:00.000Z</LastModified></CopyPartResult>`,
          ),
        );
      if (req.method === 'PUT' && q.has('partNumber')) {
        const n = Number(q.get('partNumber'));
        const digests = store(req, body, n, send);
        if (digests === undefined) return;
        stored.set(n, { ...digests, size: body.length });
        const headers = { etag: `"${digests.md5.toString('hex')}"`, ...checksumHeader(req, digests.sha256) };
        setTimeout(() => send(200, '', headers), state.uploadPartDelayMs);
        return;
      }
      if (req.method === 'PUT' && req.headers['x-amz-copy-source'])
        return send(
          200,
          xml(
            '<CopyObjectResult><ETag>"copied"</ETag><LastModified>2026-11-21T00:00:00.000Z</LastModified></CopyObjectResult>',
          ),
        );
      if (req.method === 'PUT') {
        if (preconditionFails(req, key)) return preconditionFailed(send);
        const digests = store(req, body, 1, send);
        if (digests === undefined) return;
        if (state.conditionalWrites)
          state.objects.set(key, { sizeBytes: body.length, etag: digests.md5.toString('hex') });
        return send(200, '', { etag: `"${digests.md5.toString('hex')}"`, ...checksumHeader(req, digests.sha256) });
      }
      if (req.method === 'DELETE') {
        state.objects.delete(key);
        return send(204);
      }
      send(501, xml('<Error><Code>NotImplemented</Code><Message>not in this fake</Message></Error>'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
