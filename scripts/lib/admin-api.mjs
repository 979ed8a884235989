// The admin API (openapi/admin/admin.yaml): generated like the vendor contracts, but not one of
// redocly.yaml's apis, which lists only what is diffed against a vendor baseline, mocked and covered.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { runRedocly, writeGenerated } from "./pipeline.mjs";

/** The admin API in the shape listApis gives the others. */
export function adminApi(root) {
  return { name: "admin", root: path.join(root, "openapi/admin/admin.yaml") };
}

/** Bundles the admin spec (by its file: it has no redocly.yaml alias) and resolves with the bundle's text. */
export async function bundleAdmin(root) {
  const api = adminApi(root);
  const tmp = await mkdtemp(path.join(os.tmpdir(), "reprise-bundle-"));
  try {
    const output = path.join(tmp, path.basename(api.root));
    const result = await runRedocly(["bundle", api.root, "-o", output, "--lint-config=off"], { cwd: root, echo: false });
    if (result.code !== 0) throw new Error(`redocly bundle ${api.root} failed:\n${result.output}`);
    return await readFile(output, "utf8");
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Writes generated/admin (or `<outDir>/admin`) from a bundle; resolves with the paths written. */
export function writeAdmin(root, bundle, outDir) {
  return writeGenerated([adminApi(root)], new Map([["admin", bundle]]), outDir);
}
