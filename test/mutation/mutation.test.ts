import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Db } from "../../src/store/index.ts";
import { readFuzzSettings } from "../fuzz/support/index.ts";
import { judgeMutant, LAYERS, type LayerName, type LayerVerdict } from "./support/layers.ts";
import { MUTANTS } from "./support/mutants.ts";

// Which layer must catch which mutant.
const EXPECTED: Record<string, readonly LayerName[]> = {
  "wrong field type (workflow_version as a string)": LAYERS,
  "missing required field (Execution without finished)": LAYERS,
  "wrong status (rerun answers 200, not 202)": LAYERS,
  // A leak is schema-valid and needs a second account: only the stateful isolation checks can see it.
  "leaked run of another account": ["scenario checks", "fuzz property"],
};

const fuzz = { ...readFuzzSettings(process.env), runs: 100 };
const results = new Map<string, Record<LayerName, LayerVerdict>>();

describe("mutation check of the contract layers", () => {
  let db: Db;
  beforeAll(async () => {
    db = await openStore({ memory: true });
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    const rows = [...results].map(([name, v]) => `${name.padEnd(54)} ${LAYERS.map((l) => (v[l].caught ? "caught" : "-").padEnd(22)).join("")}`);
    const evidence = [...results].flatMap(([name, v]) => LAYERS.filter((l) => v[l].caught).map((l) => `  ${name} / ${l}: ${v[l].evidence}`));
    console.log(`\n${"mutant".padEnd(54)} ${LAYERS.map((l) => l.padEnd(22)).join("")}\n${rows.join("\n")}\n\n${evidence.join("\n")}\n`);
  });

  it("no layer flags the unbroken server", async () => {
    const verdicts = await judgeMutant(undefined, db, MUTANTS, fuzz);
    results.set("(none: the real handlers)", verdicts);
    expect(Object.fromEntries(LAYERS.map((l) => [l, verdicts[l].caught ? verdicts[l].evidence : false]))).toEqual(Object.fromEntries(LAYERS.map((l) => [l, false])));
  }, 120_000);

  for (const mutant of MUTANTS) {
    it(`catches ${mutant.name} in ${mutant.api} ${mutant.operationId}`, async () => {
      const verdicts = await judgeMutant(mutant, db, [mutant], fuzz);
      results.set(mutant.name, verdicts);
      const caughtBy = LAYERS.filter((l) => verdicts[l].caught);
      expect(caughtBy).toEqual(EXPECTED[mutant.name]);
    }, 120_000);
  }

  it("has no layer that catches none of the mutants", () => {
    const mutants = MUTANTS.map((m) => results.get(m.name)).filter((v) => v !== undefined);
    expect(mutants).toHaveLength(MUTANTS.length);
    for (const layer of LAYERS) expect(mutants.some((v) => v[layer].caught), layer).toBe(true);
  });
});
