/**
 * The third-party clients of this package's subpaths: optional peer dependencies, imported on
 * first use, so installing the package for `/folder` or `/youtube` downloads none of them. Each
 * `import()` is written here, in this package, so it resolves from this package's location.
 */
import { type OptionalPeer, optionalPeer } from '@framewise/core/adapter-kit';

type Ssh2Module = typeof import('ssh2');
type BasicFtpModule = typeof import('basic-ftp');

/** A CommonJS package's exports: Node puts them on `default` (named exports are detected only sometimes). */
const commonJs = <T>(namespace: T): T => (namespace as { default?: T }).default ?? namespace;

/** `ssh2`, for `/sftp` (a CommonJS package: its default export). */
export const SSH2_PEER: OptionalPeer<Ssh2Module> = {
  name: 'ssh2',
  subpath: '@framewise/adapters-distribution/sftp',
  range: '^1.17.0',
  load: async () => commonJs(await import('ssh2')),
};

/** `basic-ftp`, for `/ftp` (a CommonJS package: its default export). */
export const BASIC_FTP_PEER: OptionalPeer<BasicFtpModule> = {
  name: 'basic-ftp',
  subpath: '@framewise/adapters-distribution/ftp',
  range: '^6.2.3',
  load: async () => commonJs(await import('basic-ftp')),
};

/** Every optional peer of this package (a test checks them against `peerDependencies`). */
export const OPTIONAL_PEERS: readonly OptionalPeer<unknown>[] = [SSH2_PEER, BASIC_FTP_PEER];

/** `ssh2`, loaded once. */
export const loadSsh2: () => Promise<Ssh2Module> = optionalPeer(SSH2_PEER);
/** `basic-ftp`, loaded once. */
export const loadBasicFtp: () => Promise<BasicFtpModule> = optionalPeer(BASIC_FTP_PEER);
