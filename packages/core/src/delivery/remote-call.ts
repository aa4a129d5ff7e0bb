import { type Tracer, withSpan } from '../support/index.js';
import { outcomeOf } from './outcome.js';
import {
  buildPackage,
  type DeliverySource,
  type DeliverySubject,
  type DistributionEndpoint,
  diffPackage,
} from './package.js';
import type { DeliveryPackage, DistributionContext, DistributionOutcome } from './port.js';
import type { DeliveryProfile } from './profile.js';
import type { DistributionRecord } from './record.js';
import type { DistributionAction } from './states.js';
import type { DeliveryValidation } from './validate.js';

/** What {@link callEndpoint} needs. */
export interface RemoteCall {
  readonly endpoint: DistributionEndpoint;
  readonly profile: DeliveryProfile;
  /** The record, claimed for the call. */
  readonly record: DistributionRecord;
  readonly action: DistributionAction;
  readonly ctx: DistributionContext;
  readonly now: number;
  readonly source: DeliverySource;
  /** Validate the subject against the profile at `now` (with the rights gate), as a submission would. */
  readonly validate: (subject: DeliverySubject) => DeliveryValidation;
  readonly tracer?: Tracer | undefined;
}

/** How a remote call ended, and the package it sent (for submissions and updates that built one). */
export interface RemoteCallResult {
  readonly outcome: DistributionOutcome;
  readonly pkg?: DeliveryPackage;
}

/**
 * Make one remote call for a record, inside a span (`framewise.distribution.<action>`): a removal
 * falls back from delete to unpublish; a submission or update is validated again and built into a
 * package first; an update sends only what changed (or resubmits where the endpoint cannot update).
 * Whatever the adapter throws becomes an outcome by the one rule of `outcomeOf`.
 */
export async function callEndpoint(call: RemoteCall): Promise<RemoteCallResult> {
  const { endpoint, record: r, action } = call;
  const attributes = {
    'framewise.distribution.record': r.id,
    'framewise.distribution.endpoint': endpoint.id,
    'framewise.distribution.adapter': endpoint.adapter.name,
    'framewise.asset.id': r.assetId,
  };
  return withSpan(call.tracer, `framewise.distribution.${action}`, attributes, async (span) => {
    let result: RemoteCallResult;
    try {
      result = await send(call);
    } catch (raw) {
      result = { outcome: outcomeOf(raw, `${endpoint.adapter.name} ${action} of "${r.assetId}"`) };
    }
    span?.setAttribute('framewise.distribution.outcome', result.outcome.kind);
    return result;
  });
}

async function send(call: RemoteCall): Promise<RemoteCallResult> {
  const { endpoint, profile, record: r, action, ctx, now } = call;
  const adapter = endpoint.adapter;
  if (action === 'remove') {
    if (profile.automation.remove === 'disabled' && r.removalReason === 'requested')
      return fail('FORBIDDEN', `Removals from "${endpoint.id}" are disabled by its profile`);
    if (adapter.capabilities.remoteDelete) return { outcome: await adapter.remove('delete', ctx) };
    if (adapter.capabilities.unpublish) return { outcome: await adapter.remove('unpublish', ctx) };
    return fail('UNSUPPORTED', `"${endpoint.id}" can neither delete nor unpublish: take "${r.assetId}" down by hand`);
  }
  if (action === 'poll') return { outcome: await adapter.poll(ctx) };
  const subject = await call.source.load(r.assetId, r.versionId, profile);
  const validation = call.validate(subject);
  if (!validation.ok) return fail('INVALID_INPUT', validation.problems.map((p) => p.message).join('; '));
  const publishAt =
    adapter.capabilities.scheduledPublish && r.window.sunrise !== undefined && Date.parse(r.window.sunrise) > now
      ? r.window.sunrise
      : undefined;
  const pkg = buildPackage(endpoint, profile, subject, r, publishAt);
  if (action === 'submit' || r.remoteId === undefined) return { outcome: await adapter.submit(pkg, ctx), pkg };
  const changes = diffPackage(pkg, r.sent);
  if (changes.fields.length + changes.files.length + changes.removedFiles.length === 0)
    return { outcome: { kind: 'success', remoteState: 'live' }, pkg };
  return {
    outcome: adapter.capabilities.update ? await adapter.update(pkg, changes, ctx) : await adapter.submit(pkg, ctx),
    pkg,
  };
}

function fail(code: 'FORBIDDEN' | 'UNSUPPORTED' | 'INVALID_INPUT', message: string): RemoteCallResult {
  return { outcome: { kind: 'failed', code, message } };
}
