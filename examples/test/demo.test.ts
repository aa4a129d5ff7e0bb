/** Runs `pnpm demo` as a user would (a child process) and checks what it prints. */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const examples = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('pnpm demo', () => {
  it('runs the supply chain end to end', async () => {
    const { stdout } = await promisify(execFile)('pnpm', ['run', '--silent', 'demo'], { cwd: examples });
    // The rundown converts without gaps: the last item ends where the total says.
    expect(stdout).toMatch(/Part 1\s+10:01:50:12\s+00:11:42:08\s+10:01:50;13\s+00:11:42;09\s+21049/);
    expect(stdout).toContain('total 00:41:22:11 @25 = 00:41:22;13 @29.97df (74399 frames');
    expect(stdout).toContain('00:00:59;29 + 1 frame = 00:01:00;02');
    expect(stdout).toMatch(/"00:01:00;00" does not exist/);
    // The ad break moves up by the 44 s 15 f removed before it.
    expect(stdout).toContain('ad break at 00:14:05:10 on the master lands at 00:13:20:20 on the edit');
    expect(stdout).toMatch(/spans a cut: split into/);
    expect(stdout.trim().endsWith('Demo complete.')).toBe(true);
  });
});
