/** One change to the CA's configuration, as the audit log keeps it (AD CS audits these as event 4892). */
export interface AuditEntry {
  readonly at: Date;
  /** Who made the change: the caller's `DOMAIN\user`, or the operating-system user of a CLI command. */
  readonly identity: string;
  /** The caller's role when it made the change. */
  readonly role?: string;
  /** What was done: `setreg`, `catemplates`, … */
  readonly action: string;
  /** What it was done to: a registry value path, a template name. */
  readonly target: string;
  /** The value before and after, as JSON text; absent when there was none. */
  readonly oldValue?: string;
  readonly newValue?: string;
}

/** A stored audit entry. */
export interface AuditRecord extends AuditEntry {
  readonly id: number;
}
