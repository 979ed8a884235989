// V8 heap flags of the server process: `reprise start` runs with them, and bench/memory.ts measures them.
// Plain JavaScript: bin/reprise.js reads it before any TypeScript is loaded.

/**
 * A young generation of at most 2 × 2 MB, and an old generation that grows by 1.5× between full
 * collections (V8 allows up to 4× when its heap limit is 2 GB or more). No cap on the heap: the
 * limit stays V8's default, so a large legitimate response cannot run the process out of memory
 * sooner than it would without these flags.
 * `--liftoff-only`: PGlite's WebAssembly is compiled by V8's baseline compiler only. With TurboFan
 * allowed, opening the embedded store peaked at ~870 MB RSS on Node 24 (not a tier-up: neither
 * `--no-wasm-tier-up` nor one compilation task changed it); with Liftoff only, ~345 MB after load, at
 * the same rerun and GET rates within the noise of interleaved rounds (`npm run bench:wasm-flags`,
 * bench/RESULTS.md).
 */
export const SERVER_HEAP_FLAGS = ["--max-semi-space-size=2", "--heap-growing-percent=50", "--liftoff-only"];

// Flags that size V8's heap: when the caller sets any of them, the caller's sizing is used as is.
const HEAP_SIZING = /^--(max-old-space-size|max-semi-space-size|min-semi-space-size|max-heap-size|initial-old-space-size|initial-heap-size|heap-growing-percent)(=|$)/;

/**
 * The flags to add to a server's node command: {@link SERVER_HEAP_FLAGS}, or none when NODE_OPTIONS
 * or node's own command line already sets a heap-sizing flag.
 * @param {readonly string[]} execArgv node's command-line flags (process.execArgv)
 * @param {string | undefined} nodeOptions the NODE_OPTIONS variable
 * @returns {string[]}
 */
export function heapFlagsToAdd(execArgv = process.execArgv, nodeOptions = process.env.NODE_OPTIONS) {
  const given = [...execArgv, ...(nodeOptions ?? "").split(/\s+/)].map((flag) => flag.replace(/_/g, "-"));
  return given.some((flag) => HEAP_SIZING.test(flag)) ? [] : [...SERVER_HEAP_FLAGS];
}
