/**
 * The exit codes of the `framewise` command (documented in docs/cli.md). Scripts branch on them;
 * `--json` output carries the same information as `ok` and `error.code`.
 */
export const EXIT = {
  /** The command did what was asked, and any check it ran passed. */
  OK: 0,
  /** A check ran to the end and said no: QC failed, rights denied, delivery problems, an invalid document. */
  CHECK_FAILED: 1,
  /** Bad usage or input: an unknown command or option, a missing argument, a malformed value (`INVALID_INPUT`). */
  USAGE: 2,
  /** A file, asset, version or title named on the command line does not exist (`NOT_FOUND`). */
  NOT_FOUND: 3,
  /** The environment cannot do it: a tool or package is missing, or the format is unsupported (`INVALID_CONFIG`, `UNSUPPORTED`). */
  ENVIRONMENT: 4,
  /** Stored or received bytes do not match their checksum (`INTEGRITY`). */
  INTEGRITY: 5,
  /** Any other failure an operation reported (`CONFLICT`, `FORBIDDEN`, `TRANSIENT`, `TIMEOUT`, `AUTH`, `RATE_LIMITED`). */
  FAILED: 6,
  /** A bug: an `INTERNAL` error or an unexpected exception (EX_SOFTWARE). */
  INTERNAL: 70,
  /** Interrupted (Ctrl-C, SIGTERM) or `CANCELLED`. */
  CANCELLED: 130,
} as const;

/** One of the {@link EXIT} codes. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The exit code for a `FramewiseError` code. */
export function exitCodeOf(code: string): ExitCode {
  switch (code) {
    case 'INVALID_INPUT':
      return EXIT.USAGE;
    case 'NOT_FOUND':
      return EXIT.NOT_FOUND;
    case 'INVALID_CONFIG':
    case 'UNSUPPORTED':
      return EXIT.ENVIRONMENT;
    case 'INTEGRITY':
      return EXIT.INTEGRITY;
    case 'CANCELLED':
      return EXIT.CANCELLED;
    case 'INTERNAL':
      return EXIT.INTERNAL;
    default:
      return EXIT.FAILED;
  }
}

/** What to do about an error of each code, printed under the message (docs/errors.md). */
export const FIX_OF_CODE: Readonly<Record<string, string>> = {
  INVALID_INPUT: 'correct the value the message names (see `framewise <command> --help`)',
  INVALID_CONFIG: 'install or configure what the message names, then run the command again',
  NOT_FOUND: 'check the path or identifier the message names',
  CONFLICT: 're-read the current state and run the command again',
  FORBIDDEN: 'use an identity allowed to do this',
  UNSUPPORTED: 'use a format, rate or option this build supports',
  TRANSIENT: 'retry later',
  RATE_LIMITED: 'wait as long as the message says, then retry',
  AUTH: 'renew the credentials and retry',
  INTEGRITY: 'do not repair silently: restore the file from a verified copy',
  TIMEOUT: 'retry with a longer timeout, or on a smaller input',
  CANCELLED: 'run the command again when ready',
  INTERNAL: 'this is a bug in Framewise: please report it with the command line',
};
