import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { HashWorker, LoggerSchema, parseInput, parseOptions, silentLogger } from '@framewise/core/adapter-kit';
import { FramewiseError } from '@framewise/core/errors';
import { z } from 'zod';
import { findTool, type LtfsTool, runCommand } from './binaries.js';
import { classifyLtfsFailure } from './classify.js';
import { tapeError } from './errors.js';
import { LtfsMount } from './mount.js';
import { mountAt } from './mountinfo.js';

/** Options of {@link createLtfsVolumeDriver}. */
export const LtfsVolumeDriverOptionsSchema = z.strictObject({
  /**
   * Directory of the LTFS reference implementation's binaries (`mkltfs`, `ltfs`, `ltfsck`);
   * default: the `FRAMEWISE_LTFS_BIN` environment variable, else `/opt/ltfs/bin`. `getfattr` and
   * `fusermount` come from `PATH`.
   */
  binDir: z.string().min(1).optional(),
  /**
   * LTFS tape backend: `file` (a directory emulates a cartridge, for tests and demos), `sg`
   * (Linux SCSI generic, real drives) or `lin_tape` (IBM's driver).
   */
  backend: z.enum(['file', 'sg', 'lin_tape']).default('file'),
  /** Where per-mount work directories go (the captured index at unmount); default the OS temp dir. */
  workDirectory: z.string().min(1).optional(),
  /** Longest wait for a mount to appear, in ms. */
  mountTimeoutMs: z.number().int().positive().default(120_000),
  /** Longest wait for an unmount to finish writing the index, in ms. */
  unmountTimeoutMs: z.number().int().positive().default(600_000),
  /** Hash in a worker thread beside the write (default), else on the event loop. */
  hashInWorker: z.boolean().default(true),
  logger: LoggerSchema.optional(),
});
/** Options of {@link createLtfsVolumeDriver}. */
export type LtfsVolumeDriverOptions = z.input<typeof LtfsVolumeDriverOptionsSchema>;

/** What {@link LtfsVolumeDriver.format} writes on a cartridge. */
export const LtfsFormatRequestSchema = z.strictObject({
  /** Tape serial (the barcode's first six characters): six upper-case letters or digits, as LTFS requires. */
  serial: z.string().regex(/^[A-Z0-9]{6}$/, 'an LTFS tape serial is six upper-case letters or digits'),
  /** Volume name (the root directory's name); LTFS file name rules. */
  volumeName: z
    .string()
    .max(255)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are refused
    .regex(/^[^/\u0000-\u001f\u007f:]*$/, 'a volume name has no "/", ":" or control characters')
    .default(''),
  /** Block size in bytes (LTFS default 524288). */
  blockSize: z.number().int().min(4096).max(2_097_152).optional(),
  /** Reformat a cartridge that already holds an LTFS volume (its data is lost). */
  force: z.boolean().default(false),
});
/** What {@link LtfsVolumeDriver.format} writes on a cartridge. */
export type LtfsFormatRequest = z.input<typeof LtfsFormatRequestSchema>;

/** Options of {@link LtfsVolumeDriver.mount}. */
export interface LtfsMountOptions {
  /** Mount read-only (no index is written at unmount). */
  readonly readOnly?: boolean;
  readonly signal?: AbortSignal;
}

/** The LTFS volume driver: format cartridges and mount them on mount points. */
export interface LtfsVolumeDriver {
  /** Paths of the binaries, checked: `INVALID_CONFIG` naming the first missing one. */
  tools(): Readonly<Record<LtfsTool, string>>;
  /**
   * Format the cartridge in `device` (a directory for the `file` backend, `/dev/sgN` for a drive)
   * as an LTFS volume.
   *
   * @throws `FORBIDDEN` (`write-protected`), `CONFLICT` (`mount-busy`: already formatted without
   *   `force`, or mounted), `TRANSIENT` (`ltfs-failed`) with LTFS's messages.
   */
  format(device: string, request: LtfsFormatRequest, options?: { readonly signal?: AbortSignal }): Promise<void>;
  /**
   * Mount the cartridge in `device` on `mountPoint` (an existing empty directory) with the `ltfs`
   * binary (FUSE, run in the foreground as a child process this driver owns). A write-protected
   * cartridge mounts read-only (`mount.writeProtected`).
   *
   * @throws `CONFLICT` (`mount-busy`) when the mount point or the device is already in use;
   *   `INTEGRITY` (`index-unreadable`) when LTFS cannot read the index; `TRANSIENT` otherwise.
   */
  mount(device: string, mountPoint: string, options?: LtfsMountOptions): Promise<LtfsMount>;
  /** Every mount this driver holds now. */
  mounts(): readonly LtfsMount[];
  /** Stop the hashing worker (mounts stay). */
  close(): Promise<void>;
}

/** Refuse a path that FUSE's `-o` option parsing or LTFS would misread. */
function checkPath(what: string, path: string): string {
  const parsed = parseInput(
    z
      .string()
      .min(2)
      .max(4096)
      .refine((p) => isAbsolute(p), 'must be an absolute path')
      .refine((p) => !/[,\\\n\r\0]/.test(p), 'must not contain ",", "\\", NUL or line breaks (FUSE option syntax)'),
    path,
    what,
  );
  return parsed;
}

/**
 * Create the LTFS volume driver over the LTFS reference implementation's binaries (spawned with
 * argv arrays, never a shell). No I/O at construction; binaries are looked up on first use and a
 * missing one fails with `INVALID_CONFIG` naming it.
 *
 * @example
 *   const ltfs = createLtfsVolumeDriver({ backend: 'file' });
 *   await ltfs.format('/srv/tapes/TAPE01', { serial: 'TAPE01', volumeName: 'Vault A' });
 *   const mount = await ltfs.mount('/srv/tapes/TAPE01', '/mnt/drive0');
 *   const written = await mount.writeFile('masters/HL.mxf', createReadStream('HL.mxf'));
 *   await mount.unmount();
 */
export function createLtfsVolumeDriver(options: LtfsVolumeDriverOptions = {}): LtfsVolumeDriver {
  const o = parseOptions(LtfsVolumeDriverOptionsSchema, options, 'LTFS volume driver options');
  const binDir = o.binDir ?? process.env.FRAMEWISE_LTFS_BIN ?? '/opt/ltfs/bin';
  const logger = o.logger ?? silentLogger;
  const active = new Set<LtfsMount>();
  let worker: HashWorker | undefined;
  let tools: Record<LtfsTool, string> | undefined;
  const tool = (name: LtfsTool): string => findTool(name, binDir);

  const driver: LtfsVolumeDriver = {
    tools() {
      tools ??= {
        mkltfs: tool('mkltfs'),
        ltfs: tool('ltfs'),
        ltfsck: tool('ltfsck'),
        getfattr: tool('getfattr'),
        setfattr: tool('setfattr'),
        fusermount: tool('fusermount'),
      };
      return tools;
    },

    async format(device, request, callOptions = {}) {
      const dev = checkPath('LTFS device', device);
      const r = parseInput(LtfsFormatRequestSchema, request, `LTFS format of "${dev}"`);
      if ([...active].some((m) => m.device === dev))
        throw tapeError('mount-busy', `Cannot format "${dev}": it is mounted`, { device: dev });
      const args = [
        `--device=${dev}`,
        `--backend=${o.backend}`,
        `--tape-serial=${r.serial}`,
        `--volume-name=${r.volumeName}`,
        ...(r.blockSize === undefined ? [] : [`--blocksize=${r.blockSize}`]),
        ...(r.force ? ['--force'] : []),
      ];
      logger.info({ device: dev, serial: r.serial }, 'ltfs: format');
      const result = await runCommand(driver.tools().mkltfs, args, {
        timeoutMs: 30 * 60_000,
        ...(callOptions.signal === undefined ? {} : { signal: callOptions.signal }),
      });
      if (result.exitCode !== 0)
        throw classifyLtfsFailure(
          'Format',
          dev,
          `${result.stdout.toString('utf8')}\n${result.stderr}`,
          result.exitCode,
        );
    },

    async mount(device, mountPoint, mountOptions = {}) {
      const dev = checkPath('LTFS device', device);
      const point = checkPath('LTFS mount point', mountPoint);
      const t = driver.tools();
      for (const m of active) {
        if (m.device === dev)
          throw tapeError('mount-busy', `Cartridge "${dev}" is already mounted on "${m.mountPoint}"`, {
            device: dev,
            mountPoint: m.mountPoint,
          });
        if (m.mountPoint === point)
          throw tapeError('mount-busy', `Mount point "${point}" already holds "${m.device}"`, {
            device: m.device,
            mountPoint: point,
          });
      }
      const info = await stat(point).catch(() => undefined);
      if (info === undefined || !info.isDirectory())
        throw new FramewiseError('INVALID_INPUT', `LTFS mount point "${point}" is not an existing directory`, {
          details: { mountPoint: point },
        });
      if ((await mountAt(point)) !== undefined)
        throw tapeError('mount-busy', `Mount point "${point}" is already a mount point`, { mountPoint: point });
      const base = o.workDirectory ?? tmpdir();
      await mkdir(base, { recursive: true });
      const work = await mkdtemp(join(base, 'framewise-ltfs-'));
      checkPath('LTFS work directory', work);
      const args = [
        point,
        '-f',
        '-o',
        `tape_backend=${o.backend}`,
        '-o',
        `devname=${dev}`,
        '-o',
        `work_directory=${work}`,
        '-o',
        'capture_index',
        ...(mountOptions.readOnly === true ? ['-o', 'ro'] : []),
      ];
      logger.info({ device: dev, mountPoint: point }, 'ltfs: mount');
      const child = spawn(t.ltfs, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      const collect = (chunk: Buffer) => {
        if (output.length < 1024 * 1024) output += chunk.toString('utf8');
      };
      child.stdout.on('data', collect);
      child.stderr.on('data', collect);
      const exited = new Promise<number | null>((resolve) => {
        child.on('close', (code) => resolve(code));
        child.on('error', () => resolve(-1));
      });
      let exitCode: number | null | undefined;
      void exited.then((code) => {
        exitCode = code;
      });
      const deadline = Date.now() + o.mountTimeoutMs;
      try {
        for (;;) {
          if (exitCode !== undefined) throw classifyLtfsFailure('Mount', dev, output, exitCode);
          const entry = await mountAt(point);
          if (entry?.fsType.startsWith('fuse')) break;
          if (mountOptions.signal?.aborted)
            throw new FramewiseError('CANCELLED', `Mount of "${dev}" was cancelled`, { details: { device: dev } });
          if (Date.now() > deadline)
            throw tapeError(
              'ltfs-failed',
              `Mount of "${dev}" on "${point}" did not appear within ${o.mountTimeoutMs} ms`,
              {
                device: dev,
                mountPoint: point,
              },
            );
          await new Promise((r) => setTimeout(r, 50));
        }
      } catch (error) {
        if (exitCode === undefined) {
          child.kill('SIGTERM');
          await exited;
          await runCommand(t.fusermount, ['-u', '-z', point]).catch(() => undefined);
        }
        await rm(work, { recursive: true, force: true });
        throw error;
      }
      const entry = await mountAt(point);
      // LTFS14019I: medium write protected, mounted read-only.
      const writeProtected = /LTFS14019I|LTFS14078I/.test(output);
      // LTFS14071I/14073I/14074I: no space left to write data or an index: mounted read-only.
      const full = /LTFS1407[134]I/.test(output);
      worker ??= o.hashInWorker ? new HashWorker() : undefined;
      const mount = new LtfsMount({
        device: dev,
        mountPoint: point,
        workDirectory: work,
        readOnly: entry?.readOnly === true || writeProtected || mountOptions.readOnly === true,
        writeProtected,
        full,
        tools: t,
        exited,
        output: () => output,
        hashWorker: worker,
        unmountTimeoutMs: o.unmountTimeoutMs,
        onClosed: (m) => active.delete(m),
        logger,
      });
      active.add(mount);
      return mount;
    },

    mounts() {
      return [...active];
    },

    async close() {
      await worker?.close();
      worker = undefined;
    },
  };
  return driver;
}
