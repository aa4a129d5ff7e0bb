import { access, constants } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { FramewiseError } from '../../errors/index.js';

/** The npm package that ships Shaka Packager's static binaries, and the range Framewise is tested with. */
export const SHAKA_PACKAGER_PACKAGE = { name: 'shaka-packager', range: '~3.4.2' } as const;

/** Where Shaka Packager is: an explicit path, or the binary of the `shaka-packager` npm package. */
export interface PackagerTools {
  /**
   * Path of the `packager` binary. Default: the static binary the `shaka-packager` npm package
   * ships for this platform (`bin/packager-linux-x64`, …), spawned directly (never its `index.js`
   * wrapper, which exits 0 whatever the packager did).
   */
  readonly packagerPath?: string;
}

/** The binary name the `shaka-packager` npm package ships for a platform and CPU. */
export function shakaBinaryName(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  const os = platform === 'darwin' ? 'osx' : platform === 'win32' ? 'win' : platform;
  return `packager-${os}-${arch}${platform === 'win32' ? '.exe' : ''}`;
}

/**
 * The path of the Shaka Packager binary to run: `packagerPath` when given (checked to be
 * executable), else the `shaka-packager` npm package's binary for this platform.
 *
 * @throws `INVALID_CONFIG` naming what to install or set when no executable binary is found.
 */
export async function resolvePackager(tools: PackagerTools = {}): Promise<string> {
  let path = tools.packagerPath;
  if (path === undefined) {
    let pkg: string;
    try {
      pkg = createRequire(import.meta.url).resolve(`${SHAKA_PACKAGER_PACKAGE.name}/package.json`);
    } catch (error) {
      throw new FramewiseError(
        'INVALID_CONFIG',
        `Shaka Packager not found: install it with npm i ${SHAKA_PACKAGER_PACKAGE.name}@${SHAKA_PACKAGER_PACKAGE.range} or set packagerPath`,
        { cause: error, details: { package: SHAKA_PACKAGER_PACKAGE.name } },
      );
    }
    path = join(dirname(pkg), 'bin', shakaBinaryName());
  }
  try {
    await access(path, constants.X_OK);
  } catch (error) {
    throw new FramewiseError(
      'INVALID_CONFIG',
      `Shaka Packager binary ${JSON.stringify(path)} is missing or not executable (no build for ${process.platform}-${process.arch}?); set packagerPath`,
      { cause: error, details: { path } },
    );
  }
  return path;
}

/** True when a Shaka Packager binary can be found (see {@link resolvePackager}). */
export async function packagerAvailable(tools: PackagerTools = {}): Promise<boolean> {
  return resolvePackager(tools).then(
    () => true,
    () => false,
  );
}
