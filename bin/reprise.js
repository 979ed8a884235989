#!/usr/bin/env node
// Entry point of the `reprise` command: runs src/main.ts with Node's own type stripping (no build
// step, no loader; bench/RESULTS.md figure 9 compares it with tsx).
// `reprise start` runs the server in a child node process with the heap flags of ./heap-flags.js
// (V8 reads them only at startup), unless the caller already sized the heap; `reprise contract` runs
// scripts/lib/contract-command.mjs; other commands run here.
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { heapFlagsToAdd } from "./heap-flags.js";

const flags = process.argv[2] === "start" ? heapFlagsToAdd() : [];
if (flags.length > 0) {
  // The caller's own flags come after ours and NODE_OPTIONS passes through unchanged.
  const child = spawn(process.execPath, [...flags, ...process.execArgv, ...process.argv.slice(1)], { stdio: "inherit" });
  // Ctrl-C reaches both processes; the server ignores a second signal while it stops.
  const forwarded = ["SIGINT", "SIGTERM", "SIGHUP"];
  for (const signal of forwarded) process.on(signal, () => child.kill(signal));
  child.on("error", (err) => {
    process.stderr.write(`reprise: could not start the server process: ${err.message}\n`);
    process.exit(1);
  });
  child.on("exit", (code, signal) => {
    if (signal === null) process.exit(code ?? 1);
    // Ended by a signal: end the same way, so the caller sees the same status.
    for (const s of forwarded) process.removeAllListeners(s);
    process.kill(process.pid, signal);
    setTimeout(() => process.exit(128 + (constants.signals[signal] ?? 0)), 1000);
  });
} else if (process.argv[2] === "contract") {
  // Plain JavaScript all the way to vitest: Node strips no types under node_modules, where an
  // installed package lives, and vitest compiles the test files itself.
  const { runContractCommand } = await import("../scripts/lib/contract-command.mjs");
  process.exitCode = await runContractCommand(process.argv.slice(3), { name: "reprise contract" });
} else {
  await import("../src/main.ts");
}
