/**
 * A stand-in for the partner's ingest API, on loopback: what the example adapter and its test talk
 * to. It keeps packages in memory, checks the bearer token, and can be taken down (503) on demand.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A package the partner holds. */
export interface PartnerPackage {
  fields: Record<string, unknown>;
  revision: number;
  files: Record<string, { sha256: string; sizeBytes: number }>;
}

/** The running stand-in. */
export interface PartnerServer {
  readonly baseUrl: string;
  readonly packages: Map<string, PartnerPackage>;
  /** Answer 503 to everything while true. */
  down: boolean;
  stop(): Promise<void>;
}

/** Start the stand-in on a free loopback port. */
export async function startPartnerServer(token: string): Promise<PartnerServer> {
  const packages = new Map<string, PartnerPackage>();
  const state = { down: false };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    if (state.down) return res.writeHead(503, { 'retry-after': '1' }).end();
    if (req.headers.authorization !== `Bearer ${token}`) return res.writeHead(401).end();
    const m = /^\/packages\/([^/]+)(?:\/files\/([^/]+))?$/.exec(req.url ?? '');
    if (m === null) return res.writeHead(404).end();
    const id = decodeURIComponent(m[1] as string);
    const file = m[2] === undefined ? undefined : decodeURIComponent(m[2]);
    const existing = packages.get(id);
    if (req.method === 'PUT' && file === undefined) {
      const { fields, revision } = JSON.parse(body.toString('utf8')) as PartnerPackage;
      packages.set(id, { fields, revision, files: existing?.files ?? {} });
      return res.writeHead(existing === undefined ? 201 : 200).end();
    }
    if (existing === undefined) return res.writeHead(404).end();
    if (req.method === 'PUT' && file !== undefined) {
      existing.files[file] = { sha256: createHash('sha256').update(body).digest('hex'), sizeBytes: body.length };
      return res.writeHead(200).end();
    }
    if (req.method === 'PATCH') {
      Object.assign(existing.fields, (JSON.parse(body.toString('utf8')) as PartnerPackage).fields);
      return res.writeHead(200).end();
    }
    if (req.method === 'DELETE') {
      packages.delete(id);
      return res.writeHead(204).end();
    }
    if (req.method === 'GET')
      return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(existing));
    return res.writeHead(405).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    packages,
    get down() {
      return state.down;
    },
    set down(value: boolean) {
      state.down = value;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
