/** `framewise rights check|plan`: decisions with reasons, and window transitions. */
import { FramewiseError } from '@framewise/core/errors';
import type { LicenseType, TransitionTarget } from '@framewise/core/rights';
import type { CommandRunner } from '../cli/command.js';
import { EXIT } from '../cli/exit-codes.js';
import { intOpt, stringOpt } from '../cli/inputs.js';
import { assertTitle, instantOf, loadRightsEngine } from './rights-document.js';

/** Run `rights check`. */
export const runRightsCheck: CommandRunner = async ({ opts, out }) => {
  const engine = await loadRightsEngine(stringOpt(opts, 'deals') ?? '');
  const title = stringOpt(opts, 'title') ?? '';
  assertTitle(engine, title);
  const versionId = stringOpt(opts, 'versionId');
  const at = instantOf(stringOpt(opts, 'at'));
  const decision = engine.evaluate({
    assetId: title,
    territory: (stringOpt(opts, 'territory') ?? '').toUpperCase(),
    channel: (stringOpt(opts, 'channel') ?? 'svod') as LicenseType,
    at,
    ...(versionId === undefined ? {} : { versionId }),
  });
  const reasons = decision.reasons;
  out.line(decision.status.toUpperCase());
  for (const r of reasons) out.line(`  ${r}`);
  out.result({
    ok: decision.allowed,
    status: decision.status,
    allowed: decision.allowed,
    at,
    reasons,
    grants: decision.grants,
    blockedBy: decision.blockedBy,
    elementConflicts: decision.elementConflicts,
  });
  return decision.allowed ? EXIT.OK : EXIT.CHECK_FAILED;
};

/** `id=US,CA:svod` into a transition target. */
export function parseTarget(spec: string): TransitionTarget {
  const m = /^([A-Za-z0-9][\w.-]{0,99})=([A-Za-z]{2}(?:,[A-Za-z]{2})*):([a-z-]{2,20})$/.exec(spec);
  if (m === null)
    throw new FramewiseError(
      'INVALID_INPUT',
      `--target ${JSON.stringify(spec.slice(0, 80))} is not id=TERRITORIES:channel (e.g. streamer-us=US:svod or store-na=US,CA:pvod)`,
      { details: { target: spec.slice(0, 200) } },
    );
  return {
    id: m[1] as string,
    territories: (m[2] as string).toUpperCase().split(','),
    channel: m[3] as LicenseType,
  };
}

/** Run `rights plan`. */
export const runRightsPlan: CommandRunner = async ({ opts, out }) => {
  const engine = await loadRightsEngine(stringOpt(opts, 'deals') ?? '');
  const specs = Array.isArray(opts.target) ? (opts.target as string[]) : [];
  const targets = specs.map(parseTarget);
  const from = instantOf(stringOpt(opts, 'from'), '--from');
  const days = intOpt(opts, 'days') ?? 90;
  const titles = Array.isArray(opts.title) ? (opts.title as string[]) : undefined;
  for (const t of titles ?? []) assertTitle(engine, t);
  const plan = engine.planTransitions(from, days * 86_400_000, targets, titles);
  out.line(`window transitions from ${from}, next ${days} days:`);
  const rows = plan.map((t) => ({
    at: t.at.toUTC().toISO() ?? '',
    assetId: t.assetId,
    targetId: t.targetId,
    change: t.change,
  }));
  out.table(
    ['when (UTC)', 'title', 'target', 'change'],
    rows.map((r) => [r.at, r.assetId, r.targetId, r.change === 'open' ? 'make available' : 'take down']),
  );
  out.result({ ok: true, from, days, targets, transitions: rows });
  return EXIT.OK;
};
