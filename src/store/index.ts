export { StoreUnavailableError, DataDirLockedError, MigrationError, quoteIdent, type Db, type NotifyHandler } from "./db.ts";
export { openPglite, DEFAULT_DATA_DIR, type PgliteOptions } from "./adapters/pglite.ts";
export { openPostgres, type PostgresOptions } from "./adapters/postgres.ts";
export { acquireDirLock, lockPathFor, type DirLock } from "./adapters/dir-lock.ts";
export { openStore, resolveStore, type OpenStoreOptions, type ResolvedStore, type StoreLocation } from "./open-store.ts";
export { migrate, loadMigrations, readSchemaVersion, type Migration } from "./migrate.ts";
export type * from "./records.ts";
export * from "./queries/index.ts";
