/**
 * A small typed event registry: `on(event, listener)` returns an unsubscribe function; `emit`
 * calls listeners synchronously in registration order. Listener errors propagate to the emitter.
 */
export class TypedEvents<Events extends object> {
  readonly #listeners = new Map<keyof Events, Set<(payload: never) => void>>();

  /** Listen to an event; returns a function that stops listening. */
  on<E extends keyof Events>(event: E, listener: (payload: Events[E]) => void): () => void {
    let set = this.#listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as (payload: never) => void);
    return () => set?.delete(listener as (payload: never) => void);
  }

  /** Call every listener of an event. */
  emit<E extends keyof Events>(event: E, payload: Events[E]): void {
    for (const listener of this.#listeners.get(event) ?? []) (listener as (p: Events[E]) => void)(payload);
  }
}
