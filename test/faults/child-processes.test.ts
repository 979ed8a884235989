import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { isAlive } from "../support/child-processes.ts";
import { pollUntil } from "./support/checks.ts";
import { REPO_ROOT, runNode } from "./support/fleet.ts";

const VITEST = path.join(REPO_ROOT, "node_modules/vitest/vitest.mjs");
const CONFIG = fileURLToPath(new URL("./support/orphans/vitest.config.ts", import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), "reprise-orphans-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the orphan fixture in a vitest of its own; answers the pids its test started. */
async function runFixture(mode: string): Promise<{ code: number | null; pids: number[]; output: string }> {
  const pidFile = path.join(dir, `${mode.replace(/\W/g, "-")}.pids`);
  // The fixture's vitest must not think it runs inside this one.
  const env = Object.fromEntries(Object.keys(process.env).filter((k) => k.startsWith("VITEST")).map((k) => [k, ""]));
  const { code, stdout, stderr } = await runNode([VITEST, "run", "--config", CONFIG], { ...env, ORPHAN_MODE: mode, ORPHAN_PID_FILE: pidFile }).result;
  const pids = readFileSync(pidFile, "utf8").trim().split(" ").map(Number);
  return { code, pids, output: stdout + stderr };
}

describe("processes started by a test that goes wrong", () => {
  it.each(["fails", "times out"])("a test that %s leaves none of the processes it started (nor theirs) running", async (mode) => {
    const { code, pids, output } = await runFixture(mode);
    expect(code, output).toBe(1);
    expect(pids).toHaveLength(2);
    const alive = await pollUntil(async () => pids.filter(isAlive), (left) => left.length === 0, 10_000).catch(() => pids.filter(isAlive));
    expect(alive).toEqual([]);
  });

  it("the check sees a leak: processes spawned without the helper outlive the failed test", async () => {
    const { code, pids } = await runFixture("unmanaged");
    try {
      expect(code).toBe(1);
      expect(pids.filter(isAlive)).toEqual(pids);
    } finally {
      for (const pid of pids) if (isAlive(pid)) process.kill(pid, "SIGKILL");
    }
  });
});
