/**
 * The `framewise` command line: commander declares every command and its options; each command's
 * implementation is a module loaded only when that command runs, so `framewise tc convert` loads
 * the time maths and nothing else (no ffmpeg layer, PGlite, XML adapters or report assets).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import type { CommandRunner } from './command.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { processOutput, reportError } from './output.js';

type Loader = () => Promise<CommandRunner>;

/** This package's version, from its package.json (found from the source file and from dist/ alike). */
function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === '@framewise/cli') return manifest.version ?? '0.0.0';
    } catch {
      // not here: one level up
    }
    dir = dirname(dir);
  }
  return '0.0.0';
}

const catalogOption = () =>
  new Option(
    '--catalog <dir|url>',
    'the catalog: an embedded PGlite directory, or a postgres:// URL (default $FRAMEWISE_CATALOG)',
  );

/** Build the command tree. `run` is called with the loader of the command that was chosen. */
function program(run: (load: Loader, command: Command) => Promise<void>, json: boolean): Command {
  const root = new Command('framewise')
    .description('Framewise from a terminal: timecode, probe, QC, loudness, ladders, rights, delivery, interchange')
    .version(packageVersion())
    .option('--json', 'print one JSON document on stdout (errors too) instead of text')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => process.stdout.write(s),
      // In JSON mode commander's own messages become the JSON error `main` prints.
      writeErr: (s) => (json ? undefined : process.stderr.write(s)),
    });
  const action = (load: Loader) =>
    async function (this: Command) {
      await run(load, this);
    };

  root
    .command('probe')
    .description("technical metadata of a media file (ffprobe, mapped to the catalog's model)")
    .argument('<file>', 'the media file')
    .action(action(async () => (await import('../commands/probe.js')).runProbe));

  const tc = root.command('tc').description('SMPTE timecode maths at exact rates, drop-frame included');
  tc.command('convert')
    .description('the same instant at another rate (e.g. 25 → 29.97df)')
    .argument('<timecode>', 'a label such as 10:00:00:00, or a frame count')
    .requiredOption('--from <rate>', 'the rate of the label: 25, 29.97df, 30000/1001, …')
    .requiredOption('--to <rate>', 'the rate to convert to')
    .addOption(
      new Option('--rounding <mode>', 'onto the new frame grid')
        .choices(['nearest', 'floor', 'ceil'])
        .default('nearest'),
    )
    .action(action(async () => (await import('../commands/tc.js')).runTcConvert));
  tc.command('add')
    .description('a timecode plus (or minus) a duration')
    .argument('<timecode>', 'the start label')
    .argument('<duration>', 'a label (00:00:10:00), a frame count (250), or negative (-250, -00:00:10:00)')
    .requiredOption('--rate <rate>', 'the rate of both')
    .option('--wrap', 'wrap at 24 hours instead of failing')
    .action(action(async () => (await import('../commands/tc.js')).runTcAdd));
  tc.command('diff')
    .description('frames and duration from one timecode to another')
    .argument('<from>', 'the first label')
    .argument('<to>', 'the second label')
    .requiredOption('--rate <rate>', 'the rate of both')
    .action(action(async () => (await import('../commands/tc.js')).runTcDiff));

  root
    .command('qc')
    .description('QC a file in one decode: integrity, loudness, levels, black, freeze, silence; timecoded findings')
    .argument('<file>', 'the media file')
    .option('--policy <name|file>', 'r128, a85, streaming-14, streaming-16, or a QC policy JSON file', 'r128')
    .option('--order <file>', 'an order spec JSON file: what was ordered, checked field by field')
    .option('--save <file>', 'also write the full report (with loudness series) as JSON, for `framewise report`')
    .addOption(
      new Option('--fail-on <verdict>', 'exit 1 on this verdict or worse').choices(['warn', 'fail']).default('fail'),
    )
    .action(action(async () => (await import('../commands/qc.js')).runQcCommand));

  const loudness = root.command('loudness').description('loudness correction');
  loudness
    .command('fix')
    .description('measure, plan (gain, limiter or two-pass loudnorm) and write a corrected copy, re-measured')
    .argument('<file>', 'the media file')
    .requiredOption('--out <file>', 'the corrected file to write (never the input)')
    .option('--target <name>', 'r128, a85, streaming-14 or streaming-16', 'r128')
    .option('--force', 'replace --out if it exists')
    .action(action(async () => (await import('../commands/loudness.js')).runLoudnessFix));

  root
    .command('ladder')
    .description('plan an ABR ladder for a source and run it decoding once')
    .argument('<file>', 'the source media file')
    .option('--template <name>', 'apple-hls-h264, apple-hls-hevc or av1-default', 'apple-hls-h264')
    .option('--out <dir>', 'where to write the renditions (required unless --plan-only)')
    .option('--max-rungs <n>', 'at most this many video rungs')
    .option('--preset <preset>', 'encoder speed preset (x264/x265 names)', 'veryfast')
    .option('--plan-only', 'print the plan, encode nothing')
    .action(action(async () => (await import('../commands/ladder.js')).runLadderCommand));

  const rights = root.command('rights').description('rights and availability from a rights document (JSON)');
  rights
    .command('check')
    .description('may this title go out in this territory, on this channel, at this instant? with reasons')
    .requiredOption('--deals <file>', 'the rights document (framewise.rights JSON)')
    .requiredOption('--title <id>', 'the title (asset id) in the document')
    .requiredOption('--territory <code>', 'ISO 3166-1 alpha-2 territory')
    .option('--channel <type>', 'license type: svod, avod, tvod, est, free-tv, fast, …', 'svod')
    .option('--at <instant>', 'ISO 8601 instant with offset (default now)')
    .option('--version-id <id>', 'the version delivered: its music and talent rights are checked too')
    .action(action(async () => (await import('../commands/rights.js')).runRightsCheck));
  rights
    .command('plan')
    .description('every window opening and closing for the given targets over a horizon')
    .requiredOption('--deals <file>', 'the rights document (framewise.rights JSON)')
    .requiredOption(
      '--target <id=territories:channel>',
      'a distribution target, e.g. streamer-us=US:svod or store-na=US,CA:pvod (repeatable)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--from <instant>', 'ISO 8601 start of the horizon (default now)')
    .option('--days <n>', 'length of the horizon in days', '90')
    .option('--title <id...>', 'only these titles')
    .action(action(async () => (await import('../commands/rights.js')).runRightsPlan));

  root
    .command('validate')
    .description('check a catalog version against a delivery profile before anything is sent')
    .requiredOption('--profile <file>', 'the delivery profile (JSON)')
    .requiredOption('--asset <id>', 'the asset id')
    .requiredOption('--version-id <id>', 'the version id')
    .addOption(catalogOption())
    .option('--deals <file>', 'a rights document: rights are checked in every territory of the profile')
    .option('--qc <file>', 'the QC report JSON of the version (from `framewise qc --save`), when the profile needs QC')
    .option(
      '--fields <file>',
      "the endpoint's metadata fields as JSON (default: title, description, tags, … from the asset)",
    )
    .option('--at <instant>', 'when the delivery would happen (default now)')
    .action(action(async () => (await import('../commands/validate.js')).runValidate));

  for (const format of ['ebucore', 'bxf'] as const) {
    const group = root
      .command(format)
      .description(format === 'ebucore' ? 'EBUCore sidecars (1.10, 1.8)' : 'BXF content messages (SMPTE ST 2021)');
    group
      .command('export')
      .description(`write the ${format === 'ebucore' ? 'EBUCore sidecar' : 'BXF content message'} of a catalog version`)
      .requiredOption('--version-id <id>', 'the version id')
      .requiredOption('--out <file>', 'the XML file to write')
      .addOption(catalogOption())
      .addOption(
        format === 'ebucore'
          ? new Option('--schema-version <v>', 'EBUCore version').choices(['1.10', '1.8']).default('1.10')
          : new Option('--schema-version <v>', 'BXF namespace').choices(['2022', '2017', '2008']).default('2022'),
      )
      .option('--house-number <id>', 'BXF: the house number (default the version id)')
      .option('--media-path <url>', 'BXF: where playout finds the file (file:///…)')
      .option('--force', 'replace --out if it exists')
      .action(action(async () => (await import('../commands/interchange.js')).exportCommand(format)));
    group
      .command('validate')
      .description(`check a ${format === 'ebucore' ? 'EBUCore' : 'BXF'} document against the official schema`)
      .argument('<file>', 'the XML document')
      .option('--schemas <dir>', 'the official schemas (default $FRAMEWISE_SCHEMAS_DIR)')
      .action(action(async () => (await import('../commands/interchange.js')).validateCommand(format)));
  }

  root
    .command('report')
    .description('write a self-contained HTML report of an asset version: QC, rights, distribution, archive')
    .requiredOption('--version-id <id>', 'the version id')
    .requiredOption('--out <file>', 'the HTML file to write')
    .addOption(catalogOption())
    .option('--qc <file...>', 'QC report JSON files (from `framewise qc --save`)')
    .option('--qc-store <dir>', 'a storage directory holding QC reports kept by recordQcReport (qc-reports/…)')
    .option('--deals <file>', 'a rights document, for the availability timeline')
    .option('--title <id>', 'the title in the rights document (default the asset id)')
    .option('--distribution <dir|url>', 'distribution records: a PGlite directory or a postgres:// URL')
    .option('--locations <file>', 'the storage locations (JSON array), naming medium, site and tier of each copy')
    .option('--territories <codes>', 'territories for the rights timeline, comma-separated', 'US,GB,FR,DE,CA')
    .option('--channels <types>', 'license types for the rights timeline, comma-separated', 'svod,avod,tvod,free-tv')
    .option('--at <instant>', 'the "now" of the report (default now)')
    .option('--force', 'replace --out if it exists')
    .action(action(async () => (await import('../commands/report.js')).runReport));

  return root;
}

/**
 * Run the command line `argv` (without the node and script paths) and resolve to its exit code.
 * Nothing calls `process.exit`: the bin sets `process.exitCode`.
 */
export async function main(argv: readonly string[]): Promise<ExitCode> {
  const json = argv.includes('--json');
  let exitCode: ExitCode = EXIT.OK;
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await program(async (load, command) => {
      const opts = command.optsWithGlobals();
      const out = processOutput(opts.json === true);
      const runner = await load();
      exitCode = await runner({ args: command.args, opts, out, signal: controller.signal });
    }, json).parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return EXIT.OK; // --help, --version
      if (json) {
        const message = error.message.replace(/^error: /, '');
        process.stdout.write(
          `${JSON.stringify({ ok: false, error: { code: 'INVALID_INPUT', message, fix: 'see framewise --help' } }, null, 2)}\n`,
        );
      }
      return EXIT.USAGE;
    }
    return reportError(error, json);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  return exitCode;
}
