/**
 * A small local server that answers the documented S3 REST API (XML bodies, headers) for the calls
 * s3rver lacks — RestoreObject and archive status, UploadPartCopy, AbortMultipartUpload, storage
 * class changes — and records every request. Not an S3 implementation: each test sets what HEAD
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
  close(): Promise<void>;
}

const xml = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;

export async function startS3ProtocolServer(): Promise<S3ProtocolServer> {
  const requests: RecordedRequest[] = [];
  const state: Pick<S3ProtocolServer, 'head' | 'uploadPartDelayMs' | 'createUploadDelayMs'> = {
    head: { sizeBytes: 0 },
    uploadPartDelayMs: 0,
    createUploadDelayMs: 0,
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
      });
      const send = (status: number, text = '', headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/xml', ...headers });
        res.end(text);
      };
      const key = decodeURIComponent(url.pathname).split('/').slice(2).join('/');
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
        const answer = xml(
          `<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>${key}</Key><UploadId>upload-1</UploadId></InitiateMultipartUploadResult>`,
        );
        setTimeout(() => send(200, answer), state.createUploadDelayMs);
        return;
      }
      if (req.method === 'POST' && q.has('uploadId'))
        return send(
          200,
          xml(
            `<CompleteMultipartUploadResult><Bucket>b</Bucket><Key>${key}</Key><ETag>"done-1"</ETag></CompleteMultipartUploadResult>`,
          ),
        );
      if (req.method === 'POST' && q.has('restore')) return send(202);
      if (req.method === 'DELETE' && q.has('uploadId')) return send(204);
      if (req.method === 'PUT' && q.has('partNumber') && req.headers['x-amz-copy-source'])
        return send(
          200,
          xml(
            `<CopyPartResult><ETag>"part-${q.get('partNumber')}"</ETag><LastModified>2026-11-21T00:00:00.000Z</LastModified></CopyPartResult>`,
          ),
        );
      if (req.method === 'PUT' && q.has('partNumber')) {
        const etag = createHash('md5').update(body).digest('hex');
        setTimeout(() => send(200, '', { etag: `"${etag}"` }), state.uploadPartDelayMs);
        return;
      }
      if (req.method === 'PUT' && req.headers['x-amz-copy-source'])
        return send(
          200,
          xml(
            '<CopyObjectResult><ETag>"copied"</ETag><LastModified>2026-11-21T00:00:00.000Z</LastModified></CopyObjectResult>',
          ),
        );
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
