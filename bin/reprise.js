#!/usr/bin/env node
// Entry point of the `reprise` command: runs src/main.ts through tsx's loader (no build step).
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
