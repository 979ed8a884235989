// Creates and migrates a PGlite data directory, then exits, so a benchmark server opens an existing
// store as a restarted server does (PGlite's first open runs initdb, which peaks far above steady state).
// Usage: node bench/prepare-store.ts <dataDir>
import { migrate, openPglite } from "../src/store/index.ts";

const dataDir = process.argv[2];
if (!dataDir) throw new Error("usage: prepare-store.ts <dataDir>");
const db = await openPglite({ dataDir });
await migrate(db);
await db.close();
