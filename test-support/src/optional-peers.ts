import { readFileSync } from 'node:fs';

/** One optional peer as an adapter package's `src/peers.ts` declares it. */
export interface DeclaredPeer {
  readonly name: string;
  readonly range: string;
  readonly subpath: string;
}

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  devDependencies?: Record<string, string>;
}

/**
 * How an adapter package's manifest disagrees with the optional peers its `src/peers.ts` declares:
 * each must be an optional peer with the range the error message names, a devDependency from the
 * catalog (for the tests), never a dependency, and named by a subpath of this package. Empty when
 * they agree.
 */
export function optionalPeerProblems(manifestUrl: URL, peers: readonly DeclaredPeer[]): string[] {
  const manifest = JSON.parse(readFileSync(manifestUrl, 'utf8')) as Manifest;
  return peers.flatMap((peer) => {
    const problems: string[] = [];
    const { name } = peer;
    if (manifest.dependencies?.[name] !== undefined) problems.push(`${name} is a dependency`);
    if (manifest.peerDependencies?.[name] !== peer.range)
      problems.push(`${name} peer range ${manifest.peerDependencies?.[name]} is not ${peer.range}`);
    if (manifest.peerDependenciesMeta?.[name]?.optional !== true) problems.push(`${name} is not an optional peer`);
    if (manifest.devDependencies?.[name] !== 'catalog:') problems.push(`${name} is not a catalog devDependency`);
    if (!peer.subpath.startsWith(`${manifest.name}/`)) problems.push(`${name} names subpath ${peer.subpath}`);
    return problems;
  });
}
