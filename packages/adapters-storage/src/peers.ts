/**
 * The third-party clients of this package's subpaths: optional peer dependencies, imported on
 * first use, so installing the package for `/fs` downloads none of them. Each `import()` is
 * written here, in this package, so it resolves from this package's location.
 */
import { type OptionalPeer, optionalPeer } from '@framewise/core/adapter-kit';

type S3ClientModule = typeof import('@aws-sdk/client-s3');
type S3PresignerModule = typeof import('@aws-sdk/s3-request-presigner');
type PgModule = typeof import('pg').default;
type PGliteModule = typeof import('@electric-sql/pglite');

/** `@aws-sdk/client-s3`, for `/s3`. */
export const S3_CLIENT_PEER: OptionalPeer<S3ClientModule> = {
  name: '@aws-sdk/client-s3',
  subpath: '@framewise/adapters-storage/s3',
  range: '^3.1162.0',
  load: () => import('@aws-sdk/client-s3'),
};

/** `@aws-sdk/s3-request-presigner`, for `/s3`'s `presign()` only. */
export const S3_PRESIGNER_PEER: OptionalPeer<S3PresignerModule> = {
  name: '@aws-sdk/s3-request-presigner',
  subpath: '@framewise/adapters-storage/s3 presign()',
  range: '^3.1162.0',
  load: () => import('@aws-sdk/s3-request-presigner'),
};

/** `pg`, for `/postgres` (a CommonJS package: its default export). */
export const PG_PEER: OptionalPeer<PgModule> = {
  name: 'pg',
  subpath: '@framewise/adapters-storage/postgres',
  range: '^8.23.1',
  load: async () => (await import('pg')).default,
};

/** `@electric-sql/pglite`, for `/pglite`. */
export const PGLITE_PEER: OptionalPeer<PGliteModule> = {
  name: '@electric-sql/pglite',
  subpath: '@framewise/adapters-storage/pglite',
  range: '^0.5.16',
  load: () => import('@electric-sql/pglite'),
};

/** Every optional peer of this package (a test checks them against `peerDependencies`). */
export const OPTIONAL_PEERS: readonly OptionalPeer<unknown>[] = [
  S3_CLIENT_PEER,
  S3_PRESIGNER_PEER,
  PG_PEER,
  PGLITE_PEER,
];

/** The S3 client module, loaded once. */
export const loadS3Client: () => Promise<S3ClientModule> = optionalPeer(S3_CLIENT_PEER);
/** The S3 presigner module, loaded once. */
export const loadS3Presigner: () => Promise<S3PresignerModule> = optionalPeer(S3_PRESIGNER_PEER);
/** `pg`, loaded once. */
export const loadPg: () => Promise<PgModule> = optionalPeer(PG_PEER);
/** PGlite, loaded once. */
export const loadPGlite: () => Promise<PGliteModule> = optionalPeer(PGLITE_PEER);
