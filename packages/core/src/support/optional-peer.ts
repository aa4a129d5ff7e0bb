import { FramewiseError, messageOf } from '../errors/index.js';

/**
 * A third-party package an adapter subpath needs but does not install: an optional peer
 * dependency (the AWS SDK for `/s3`, `pg` for `/postgres`, `ssh2` for `/sftp`, ...), so a host
 * that only uses another subpath of the same package never downloads it.
 *
 * @typeParam T - What {@link OptionalPeer.load} resolves to (usually the module namespace).
 */
export interface OptionalPeer<T> {
  /** The npm package name, e.g. `@aws-sdk/client-s3`. */
  readonly name: string;
  /** The subpath that needs it, e.g. `@framewise/adapters-storage/s3`. */
  readonly subpath: string;
  /** The version range to install, as in the package's `peerDependencies`, e.g. `^3.1162.0`. */
  readonly range: string;
  /**
   * Imports the package: `() => import('@aws-sdk/client-s3')`. Written in the adapter's own module
   * so the package resolves from the adapter's location (a strict `node_modules` layout, such as
   * pnpm's, would not find the adapter's peers from `@framewise/core`).
   */
  readonly load: () => Promise<T>;
}

/** The command that installs a missing peer, e.g. `npm i @aws-sdk/client-s3@^3.1162.0`. */
export function installCommand(peer: Pick<OptionalPeer<unknown>, 'name' | 'range'>): string {
  return `npm i ${peer.name}@${peer.range}`;
}

const quoted = (name: string) =>
  new RegExp(`['"\`]${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(?:/[^'"\`]*)?['"\`]`);

/**
 * Whether `error` says that the package `name` itself (not something it imports) cannot be found:
 * Node's `ERR_MODULE_NOT_FOUND` / `MODULE_NOT_FOUND`, or a bundler's or test runner's resolve
 * failure, naming the package in quotes.
 */
function isNotFound(error: unknown, name: string): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message : '';
  const notFound =
    e?.code === 'ERR_MODULE_NOT_FOUND' ||
    e?.code === 'MODULE_NOT_FOUND' ||
    /cannot find (?:package|module)|failed to (?:load|resolve)/i.test(message);
  return notFound && quoted(name).test(message);
}

/**
 * Import an optional peer once. A missing package becomes a `FramewiseError` with code
 * `INVALID_CONFIG` (the host's installation is incomplete; retrying cannot help) whose message
 * names the subpath, the package and the command that installs it:
 * `@framewise/adapters-storage/s3 needs "@aws-sdk/client-s3": install it with npm i @aws-sdk/client-s3@^3.1162.0`.
 * A package that is installed but fails to load (a broken install, a missing dependency of its
 * own) is `INVALID_CONFIG` too, with the loader's error as `cause`.
 *
 * Adapters call this on first use (factories do no I/O and must not fail at construction), and
 * keep the result: see {@link optionalPeer} for the cached form.
 *
 * @example
 * ```ts
 * const sdk = await loadOptionalPeer({
 *   name: '@aws-sdk/client-s3',
 *   subpath: '@framewise/adapters-storage/s3',
 *   range: '^3.1162.0',
 *   load: () => import('@aws-sdk/client-s3'),
 * });
 * ```
 */
export async function loadOptionalPeer<T>(peer: OptionalPeer<T>): Promise<T> {
  try {
    return await peer.load();
  } catch (error) {
    const details = { package: peer.name, subpath: peer.subpath, range: peer.range };
    if (isNotFound(error, peer.name))
      throw new FramewiseError(
        'INVALID_CONFIG',
        `${peer.subpath} needs "${peer.name}": install it with ${installCommand(peer)}`,
        { cause: error, details },
      );
    throw new FramewiseError(
      'INVALID_CONFIG',
      `${peer.subpath} needs "${peer.name}", which is installed but failed to load (${messageOf(error)}): reinstall it with ${installCommand(peer)}`,
      { cause: error, details },
    );
  }
}

/**
 * A loader for an optional peer that imports it on first call and then returns the same promise
 * (one import per process, one resolved `await` per later call). A failed load is not kept: the
 * next call tries again, and fails again with the same typed error while the package is missing.
 *
 * @example
 * ```ts
 * const loadPg = optionalPeer({ name: 'pg', subpath: '@framewise/adapters-storage/postgres', range: '^8.23.1',
 *   load: async () => (await import('pg')).default });
 * const pg = await loadPg();
 * ```
 */
export function optionalPeer<T>(peer: OptionalPeer<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    if (loading === undefined) {
      const attempt = loadOptionalPeer(peer);
      loading = attempt;
      attempt.catch(() => {
        if (loading === attempt) loading = undefined;
      });
    }
    return loading;
  };
}
