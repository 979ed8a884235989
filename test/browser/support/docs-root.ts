import { mkdir, mkdtemp, rm, symlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { REPO_ROOT, runScript } from "../../support/run-script.ts";

/** A project root for a test server, whose references are rendered by this checkout's scripts/docs.mjs. */
export interface DocsRoot {
  root: string;
  /** Renders both references into `<root>/dist/docs` (a server started on this root can start meanwhile). */
  render(): Promise<void>;
  remove(): Promise<void>;
}

/**
 * A temporary root whose `generated` links to the repository's bundles and whose `dist/docs` is
 * rendered on demand, so a server started with `{ root }` serves freshly built pages, never a stale
 * ./dist/docs.
 */
export async function createDocsRoot(): Promise<DocsRoot> {
  const root = await mkdtemp(path.join(os.tmpdir(), "reprise-docs-root-"));
  const remove = () => rm(root, { recursive: true, force: true });
  try {
    await symlink(path.join(REPO_ROOT, "generated"), path.join(root, "generated"), "dir");
    await mkdir(path.join(root, "dist"));
  } catch (error) {
    await remove();
    throw error;
  }
  return {
    root,
    remove,
    async render() {
      const result = await runScript(REPO_ROOT, "docs.mjs", [path.join(root, "dist", "docs")]);
      if (result.code !== 0) throw new Error(`scripts/docs.mjs failed:\n${result.output}`);
    },
  };
}
