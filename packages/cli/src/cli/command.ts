import type { ExitCode } from './exit-codes.js';
import type { Output } from './output.js';

/** What a command module's `run` receives: positionals, options (with the global ones) and the output. */
export interface CommandContext {
  readonly args: readonly string[];
  readonly opts: Readonly<Record<string, unknown>>;
  readonly out: Output;
  readonly signal: AbortSignal;
}

/** A command's implementation, loaded only when the command runs. */
export type CommandRunner = (context: CommandContext) => Promise<ExitCode>;
