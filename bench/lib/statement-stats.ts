import type { Db } from "../../src/store/index.ts";

/** One statement shape's share of the store's time while statistics were on. */
export interface StatementStat {
  statement: string;
  calls: number;
  /** Summed time this statement held the connection (see {@link trackStatements}), ms. */
  ms: number;
}

/** A statement's shape: its text with whitespace collapsed, cut short (values are parameters, so shapes repeat). */
function shapeOf(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 90 ? `${flat.slice(0, 90)}…` : flat;
}

/**
 * Wraps a store so a benchmark can ask which statements its time goes to. PGlite runs one statement
 * at a time, so a statement's own time is estimated as the time from its start, or from the end of
 * the statement answered before it if that is later, to its answer: queueing behind others is not
 * counted twice. (On PostgreSQL with a pool the same figure is wall time per statement.) Off until
 * `start()`, when it costs one branch per statement.
 */
export function trackStatements(db: Db): { db: Db; start(): void; take(): StatementStat[] } {
  let stats: Map<string, StatementStat> | undefined;
  let lastEnd = 0;
  const timed = <T>(text: string, run: () => Promise<T>): Promise<T> => {
    if (!stats) return run();
    const started = performance.now();
    const done = (): void => {
      const end = performance.now();
      const key = shapeOf(text);
      const into = stats?.get(key) ?? { statement: key, calls: 0, ms: 0 };
      into.calls += 1;
      into.ms += end - Math.max(started, lastEnd);
      lastEnd = end;
      stats?.set(key, into);
    };
    return run().finally(done);
  };
  const wrap = (inner: Db): Db => ({
    kind: inner.kind,
    query: <T>(text: string, values?: unknown[]) => timed(text, () => inner.query<T>(text, values)),
    transaction: <T>(fn: (tx: Db) => Promise<T>) => inner.transaction((tx) => fn(wrap(tx))),
    ...(inner.listen ? { listen: inner.listen.bind(inner) } : {}),
    close: () => inner.close(),
  });
  return {
    db: wrap(db),
    start() {
      stats = new Map();
      lastEnd = 0;
    },
    take() {
      const taken = [...(stats?.values() ?? [])].sort((a, b) => b.ms - a.ms);
      stats = undefined;
      return taken;
    },
  };
}
