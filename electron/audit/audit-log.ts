/**
 * The audit log as the rest of main sees it. Services report security-relevant actions here (export,
 * deletion, retention purge, ...); the audit trail (tamper-evident chain, delivery to the provider)
 * implements it. Details carry no call content and no more personal data than the event needs.
 */
export interface AuditEventInput {
  /**
   * A type from the event catalog (shared/audit/catalog.ts), e.g. "data.exported"; record() refuses any
   * other type, and details that do not match the type's schema.
   */
  type: string;
  details: Record<string, string | number | boolean | null>;
}

export interface AuditRecord extends AuditEventInput {
  id: string;
  sequence: number;
  /** Milliseconds since the epoch. */
  at: number;
}

export interface AuditLog {
  record(event: AuditEventInput): Promise<void>;
  /** Every event kept on this device, oldest first (for "Export my data"). */
  list(): Promise<AuditRecord[]>;
}
