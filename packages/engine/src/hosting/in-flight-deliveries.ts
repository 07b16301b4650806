/**
 * Which delivery is in flight for each (module, context): the lanes set it around each `Notify`, and the
 * module's `ICertServerExit` answers `EventID` from it. Per-request order guarantees at most one delivery per
 * (module, context) at a time, so the pair names it.
 */
export class InFlightDeliveries {
  private readonly current = new Map<string, string>();

  /** Marks a delivery as in flight; returns what ends it. */
  begin(progId: string, context: number, eventId: string): () => void {
    const key = _key(progId, context);
    this.current.set(key, eventId);
    return () => {
      if (this.current.get(key) === eventId) this.current.delete(key);
    };
  }

  /** The stable event identifier of the delivery in flight for the module and context, if one is. */
  eventIdOf(progId: string, context: number): string | undefined {
    return this.current.get(_key(progId, context));
  }
}

/** The `EventID` a module reads: `<sanitized CA name>/<exit_events id>`, the same on every attempt. */
export function formatEventId(sanitizedCaName: string, eventId: number): string {
  return `${sanitizedCaName}/${eventId}`;
}

function _key(progId: string, context: number): string {
  return `${progId.toLowerCase()}\u0000${context}`;
}
