/** What happened to one event at one module, for observers (the demo, tests, metrics). */
export interface DeliveryRecord {
  readonly event: number;
  readonly context: number;
  readonly progId: string;
  readonly ok: boolean;
  readonly hresult: number;
  readonly ms: number;
  /** The stable event identifier (`EventID`) of an outbox delivery. */
  readonly eventId?: string;
  /** Which attempt of the notification this was (1 for the first). */
  readonly attempt?: number;
}
