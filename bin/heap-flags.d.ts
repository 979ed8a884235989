/** V8 heap flags `reprise start` runs the server with (see heap-flags.js). */
export declare const SERVER_HEAP_FLAGS: readonly string[];

/** {@link SERVER_HEAP_FLAGS}, or none when NODE_OPTIONS or node's command line already sizes the heap. */
export declare function heapFlagsToAdd(execArgv?: readonly string[], nodeOptions?: string): string[];
