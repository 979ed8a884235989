import type { PGlite } from "@electric-sql/pglite";

/** What the serving thread asks the store thread (pglite-worker.ts); `tx` pins a statement to a transaction. */
export type Request =
  | { id: number; op: "query"; text: string; values: unknown[] | undefined; tx: number | undefined }
  | { id: number; op: "begin" | "commit" | "rollback"; tx: number }
  | { id: number; op: "listen"; channel: string; listenId: number }
  | { id: number; op: "unlisten"; listenId: number }
  | { id: number; op: "close" };

/** An error as it crosses threads: its message, name and plain fields (SQLSTATE `code`, `detail`, …). */
export interface WireError {
  name: string;
  message: string;
  /** The store was closed when it failed: the serving thread raises StoreUnavailableError. */
  closed: boolean;
  props?: Record<string, string | number | boolean>;
}

/** One answer (`id` of its request), or a notification (`notify`: the listen it belongs to). */
export type Reply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: WireError }
  | { id: -1; notify: number; payload: string };

/** Keeps what a thread boundary would lose: an Error's own plain fields, such as PostgreSQL's `code`. */
export function toWireError(err: unknown, closed: boolean): WireError {
  if (!(err instanceof Error)) return { name: "Error", message: describePgliteError(err), closed };
  const props: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(err)) {
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") props[key] = value;
  }
  return { name: err.name, message: err.message, closed, props };
}

/** The error a caller on the serving thread sees: a plain Error with the same message, name and fields. */
export function fromWireError(wire: WireError): Error {
  const err = new Error(wire.message);
  Object.defineProperty(err, "name", { value: wire.name, enumerable: false, configurable: true, writable: true });
  Object.assign(err, wire.props ?? {});
  return err;
}

type Runner = Pick<PGlite, "query" | "exec">;

/** Without values the simple protocol runs whole scripts (migrations) in one round trip. */
export async function runOn<T>(runner: Runner, text: string, values?: unknown[]): Promise<{ rows: T[] }> {
  if (values && values.length > 0) {
    const result = await runner.query<T>(text, values);
    return { rows: result.rows };
  }
  const results = await runner.exec(text);
  return { rows: (results.at(-1)?.rows ?? []) as T[] };
}

// PGlite's file system (Emscripten) throws `{ name: "ErrnoError", errno }` objects, with its own errno numbers.
const EMSCRIPTEN_ERRNO: Readonly<Record<number, string>> = {
  2: "EACCES", 10: "EBUSY", 20: "EEXIST", 28: "EINVAL", 29: "EIO", 31: "EISDIR", 32: "ELOOP",
  44: "ENOENT", 51: "ENOSPC", 54: "ENOTDIR", 55: "ENOTEMPTY", 63: "EPERM", 69: "EROFS",
};

/** The errno name of a failed PGlite file operation, if that is what `err` is. */
export function pgliteErrnoName(err: unknown): string | undefined {
  const errno = (err as { errno?: unknown } | null)?.errno;
  return typeof errno === "number" ? (EMSCRIPTEN_ERRNO[errno] ?? `errno ${errno}`) : undefined;
}

/** One line about what PGlite threw, which is not always an Error. */
export function describePgliteError(err: unknown): string {
  const errno = pgliteErrnoName(err);
  if (errno) return `a file operation failed (${errno})`;
  if (err instanceof Error) return err.message;
  if (typeof err === "object" && err !== null) {
    const { name, message } = err as { name?: unknown; message?: unknown };
    const said = [name, message].filter((part) => typeof part === "string" && part !== "").join(": ");
    return said || "an unknown error";
  }
  return String(err);
}
