import path from "node:path";
import { fileURLToPath } from "node:url";
import { runKeys, runToken, runWorkflows } from "./cli/commands.ts";
import { runStart } from "./cli/start.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { DataDirLockedError } from "./store/index.ts";

const USAGE = `usage: reprise <command>
  start                                   serve both APIs (embedded store, or DATABASE_URL)
  token [--account ID] [--ttl SECONDS]    print a development JWT
  keys create [--account ID] [--name N]   create an Alloy API key (printed once)
  workflows import <file.yaml> [--account ID] [--api altostrat|alloy]`;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** The CLI: one process, one command; errors are printed plainly, never as stack traces. */
async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  if (!command || command === "--help" || command === "help") {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const config = loadConfig();
  switch (command) {
    case "start":
      return runStart(config, ROOT);
    case "token":
      return runToken(config, args);
    case "keys":
      return runKeys(config, args);
    case "workflows":
      return runWorkflows(config, args);
    default:
      throw new Error(`unknown command '${command}'\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const known = err instanceof ConfigError || err instanceof DataDirLockedError || (err instanceof Error && !(err instanceof TypeError));
  process.stderr.write(`reprise: ${err instanceof Error ? err.message : String(err)}\n`);
  if (!known) process.stderr.write(`${(err as Error)?.stack ?? ""}\n`);
  process.exit(1);
});
