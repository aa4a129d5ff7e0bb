import { XmlWriter } from '../xml/writer.js';
import type { BxfParties } from './message.js';
import { bxfNamespace } from './names.js';
import type { BxfMessageHeader } from './read-message.js';
import type { RejectedEvent } from './read-schedule.js';

/** What an acknowledgement says about a received message. */
export interface BxfAcknowledgementInput {
  /** The header of the message acknowledged (from `readBxfSchedule` or `readBxfAsRun`). */
  readonly received: BxfMessageHeader;
  /** Events refused (status `warning` when some were taken, `error` when none were). */
  readonly rejected: readonly RejectedEvent[];
  /** How many events were taken. */
  readonly accepted: number;
  /** Acknowledgement message id. */
  readonly id: string;
  readonly at: Date;
}

const MAX_DESCRIPTION = 4000;

/**
 * A BXF acknowledgement (response message) for a received message, in its BXF release:
 * `messageType="Acknowledgement"`, `originMessageId` the received id, addressed back to its
 * origin, `status` `ok`, `warning` (some events refused) or `error` (everything refused, with
 * `error="processing_exception"`), and an `errorDescription` naming each refused event and why
 * (cut at 4000 characters, ending with how many more there were).
 */
export function bxfAcknowledgement(input: BxfAcknowledgementInput, parties: BxfParties): string {
  const { received, rejected } = input;
  const status = rejected.length === 0 ? 'ok' : input.accepted === 0 ? 'error' : 'warning';
  let description: string | undefined;
  if (rejected.length > 0) {
    description = `${rejected.length} event${rejected.length === 1 ? '' : 's'} refused:`;
    let shown = 0;
    for (const r of rejected) {
      const line = ` [${r.error.message}]`;
      if (description.length + line.length > MAX_DESCRIPTION) break;
      description += line;
      shown++;
    }
    if (shown < rejected.length) description += ` (and ${rejected.length - shown} more)`;
  }
  const w = new XmlWriter();
  w.declaration();
  w.empty('BxfMessage', {
    xmlns: bxfNamespace(received.version),
    id: `urn:uuid:${input.id}`,
    dateTime: `${input.at.toISOString().slice(0, 19)}Z`,
    messageType: 'Acknowledgement',
    origin: parties.origin,
    originType: parties.originType,
    userName: parties.userName,
    destination: received.origin === '' ? parties.destination : received.origin,
    destinationType: received.originType ?? parties.destinationType,
    originMessageId: `urn:uuid:${received.id}`,
    status,
    ...(status === 'error' ? { error: 'processing_exception' } : {}),
    ...(description === undefined ? {} : { errorDescription: description }),
  });
  return w.take();
}
