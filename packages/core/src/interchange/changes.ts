import { FramewiseError } from '../errors/index.js';
import type { PlayoutEvent, SecondaryEvent } from './schedule.js';

/**
 * One change a traffic message asks for: add or update a primary event (with its secondary
 * events), add or update a secondary event of a primary already scheduled, or remove an event
 * (primary or secondary) by id.
 */
export type ScheduleChange =
  | { readonly action: 'add' | 'update'; readonly event: PlayoutEvent }
  | { readonly action: 'add' | 'update'; readonly secondary: SecondaryEvent; readonly primaryEventId: string }
  | { readonly action: 'remove'; readonly eventId: string };

/**
 * Apply traffic's changes to a schedule's events, in order, and return the new list (the input
 * is not modified). An added primary event goes after the event it follows in time (events stay
 * sorted by start); an updated one replaces the event with its id in place; a removed id takes the
 * primary event (with its secondaries) or the one secondary event with that id. Either every
 * change applies or none does.
 *
 * @throws `CONFLICT` when an added event's id is already scheduled; `NOT_FOUND` when an update or
 * a removal names an id the schedule does not hold. The message names the id and the change's
 * index.
 */
export function applyScheduleChanges(
  events: readonly PlayoutEvent[],
  changes: Iterable<ScheduleChange>,
): PlayoutEvent[] {
  const out = events.map((e) => ({ ...e, secondary: [...e.secondary] }));
  const where = (id: string) => out.findIndex((e) => e.id === id);
  const secondaryOwner = (id: string) => out.findIndex((e) => e.secondary.some((s) => s.id === id));
  let i = 0;
  for (const change of changes) {
    const at = `change ${i}`;
    if (change.action === 'remove') {
      const p = where(change.eventId);
      if (p >= 0) out.splice(p, 1);
      else {
        const owner = secondaryOwner(change.eventId);
        if (owner < 0) throw notFound(change.eventId, at, 'remove');
        const o = out[owner] as PlayoutEvent;
        out[owner] = { ...o, secondary: o.secondary.filter((s) => s.id !== change.eventId) };
      }
    } else if ('event' in change) {
      const p = where(change.event.id);
      if (change.action === 'add') {
        if (p >= 0 || secondaryOwner(change.event.id) >= 0) throw conflict(change.event.id, at);
        const t = Date.parse(change.event.start);
        let after = out.length;
        while (after > 0 && Date.parse((out[after - 1] as PlayoutEvent).start) > t) after--;
        out.splice(after, 0, { ...change.event, secondary: [...change.event.secondary] });
      } else {
        if (p < 0) throw notFound(change.event.id, at, 'update');
        out[p] = { ...change.event, secondary: [...change.event.secondary] };
      }
    } else {
      const p = where(change.primaryEventId);
      if (p < 0) throw notFound(change.primaryEventId, at, `${change.action} a secondary event of`);
      const o = out[p] as PlayoutEvent;
      const s = o.secondary.findIndex((x) => x.id === change.secondary.id);
      if (change.action === 'add') {
        if (s >= 0 || where(change.secondary.id) >= 0) throw conflict(change.secondary.id, at);
        out[p] = { ...o, secondary: [...o.secondary, change.secondary] };
      } else {
        if (s < 0) throw notFound(change.secondary.id, at, 'update');
        out[p] = { ...o, secondary: o.secondary.map((x, k) => (k === s ? change.secondary : x)) };
      }
    }
    i++;
  }
  return out;
}

function notFound(id: string, at: string, what: string): FramewiseError {
  return new FramewiseError('NOT_FOUND', `${at}: cannot ${what} event ${id}: the schedule has no such event`, {
    details: { eventId: id },
  });
}

function conflict(id: string, at: string): FramewiseError {
  return new FramewiseError('CONFLICT', `${at}: event ${id} is already scheduled (send it as an update)`, {
    details: { eventId: id },
  });
}
