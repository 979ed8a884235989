// Embedded store: V8's WebAssembly flags against the peak RSS of `reprise start`'s server (PGlite is a
// large WebAssembly module) and the rerun and GET rates it serves. Variants interleave, each round
// starting a fresh server on the same data directory. Run: npm run bench:wasm-flags
import { SERVER_HEAP_FLAGS } from "../bin/heap-flags.js";
import { runLoad } from "./lib/load.ts";
import { runRequests, startReprise } from "./lib/servers.ts";

const ROUNDS = Number(process.env.BENCH_WASM_ROUNDS ?? 2);
const VARIANTS: [string, string[]][] = [
  ["as shipped", []],
  ["--no-wasm-tier-up", ["--no-wasm-tier-up"]],
  ["--liftoff-only", ["--liftoff-only"]],
  ["--wasm-num-compilation-tasks=1", ["--wasm-num-compilation-tasks=1"]],
];

for (let round = 1; round <= ROUNDS; round++) {
  for (const [label, flags] of VARIANTS) {
    const server = await startReprise({ store: "file" }, { nodeArgs: ["--expose-gc", ...SERVER_HEAP_FLAGS, ...flags] });
    const afterStart = server.peakRssMb();
    const requests = runRequests(server.info);
    await runLoad({ ...requests.rerun, durationS: 2 }); // warm-up
    const reruns = await runLoad({ ...requests.rerun, durationS: 6 });
    const gets = await runLoad({ ...requests.getRun, durationS: 3 });
    const peak = server.peakRssMb();
    await server.stop();
    console.log(
      `round ${round} ${label.padEnd(32)} VmHWM after start ${Math.round(afterStart)} MB, after load ${Math.round(peak)} MB; ` +
        `reruns ${Math.round(reruns.okPerSec)}/s, GET run ${Math.round(gets.okPerSec)}/s`,
    );
  }
}
process.exit();
