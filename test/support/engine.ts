import { createEngine, createIdGenerator, type Engine, type EngineConfig, type Sandbox, type WorkflowDefinition } from "../../src/core/index.ts";
import type { Db } from "../../src/store/index.ts";
import { createManualClock, type ManualClock } from "./clock.ts";
import type { StoreUnderTest } from "./stores.ts";
import { engineSandbox } from "./sandbox.ts";
import { LINEAR } from "./workflows.ts";

/** An engine over a test store with a manual clock; private networks allowed for local servers. */
export interface TestEngine {
  engine: Engine;
  db: Db;
  clock: ManualClock;
}

/** What a test engine may differ in. */
export interface TestEngineOptions {
  config?: Partial<EngineConfig>;
  fetcher?: typeof fetch;
  clock?: ManualClock;
  sandbox?: Sandbox;
}

/** Builds an engine over `db` with a manual clock and test-friendly config. */
export function createTestEngine(db: Db, options: TestEngineOptions = {}): TestEngine {
  const clock = options.clock ?? createManualClock();
  const engine = createEngine({
    db,
    clock,
    ids: createIdGenerator(clock),
    fetcher: options.fetcher,
    lookup: async () => [{ address: "93.184.216.34", family: 4 }],
    config: { allowPrivateNetworks: true, ...options.config },
    sandbox: options.sandbox ?? engineSandbox(),
  });
  return { engine, db, clock };
}

/** A fresh database of `store` and a test engine over it, for a suite's beforeAll (its afterAll closes `db`). */
export async function openTestEngine(store: StoreUnderTest, options: TestEngineOptions = {}): Promise<TestEngine> {
  return createTestEngine(await store.open(), options);
}

/** Like openTestEngine, but the engine's statements are counted (`counter`); `db` itself is not counted. */
export async function openCountingEngine(store: StoreUnderTest, options: TestEngineOptions = {}): Promise<TestEngine & { counter: CountingDb }> {
  const db = await store.open();
  const counter = countingDb(db);
  return { ...createTestEngine(counter.db, options), db, counter };
}

/** A new account, so tests sharing one database never see each other's rows. */
export async function newAccount(engine: Engine, name = "test"): Promise<string> {
  return (await engine.createAccount({ name })).id;
}

/** Creates an Altostrat-style workflow with the given definition. */
export async function addWorkflow(engine: Engine, accountId: string, definition: WorkflowDefinition = LINEAR, idStyle: "altostrat" | "alloy" = "altostrat") {
  return engine.createWorkflow({ accountId, idStyle, name: `wf-${Math.random().toString(36).slice(2, 8)}`, definition });
}

/** A Db wrapper and its statement count. */
export interface CountingDb {
  db: Db;
  count: () => number;
  reset: () => void;
}

/** A Db that counts what reaches the store: statements and transactions (a transaction's own statements are not counted). */
export function countingDb(db: Db): CountingDb {
  let statements = 0;
  return {
    db: {
      kind: db.kind,
      query: (text, values) => (statements++, db.query(text, values)),
      transaction: (fn) => (statements++, db.transaction(fn)),
      listen: db.listen?.bind(db),
      close: () => db.close(),
    },
    count: () => statements,
    reset: () => void (statements = 0),
  };
}
