/** Called with the payload of each notification on a channel. */
export type NotifyHandler = (payload: string) => void;

/**
 * The one port between Reprise and its database: PostgreSQL SQL with `$1…$n` values.
 * Adapters (PGlite, node-postgres) implement it; nothing else knows the driver.
 */
export interface Db {
  /** Which adapter answers; for diagnostics and benchmarks only. */
  readonly kind: "pglite" | "postgres";
  /** Runs one statement (or, without values, a script of statements) and returns its rows. */
  query<T = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: T[] }>;
  /** Runs `fn` in one transaction; a nested call joins the outer transaction. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /** Subscribes to a NOTIFY channel; resolves to an unsubscribe function. */
  listen?(channel: string, onNotify: NotifyHandler): Promise<() => Promise<void>>;
  /** Releases connections, files and locks. */
  close(): Promise<void>;
}

/** Thrown by adapters when the database cannot be reached or is closed (not for SQL errors). */
export class StoreUnavailableError extends Error {
  override readonly name = "StoreUnavailableError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Thrown when the data directory is held by another live process. */
export class DataDirLockedError extends Error {
  override readonly name = "DataDirLockedError";
  readonly holderPid: number;
  constructor(message: string, holderPid: number) {
    super(message);
    this.holderPid = holderPid;
  }
}

/** Thrown when the database schema is newer than this build or a migration fails. */
export class MigrationError extends Error {
  override readonly name = "MigrationError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Quotes an SQL identifier (schema or channel name); values are never interpolated. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
