import path from "node:path";
import { fileURLToPath } from "node:url";
import { runKeys, runToken, runWorkflows, SERVER_USAGE } from "./cli/commands.ts";
import { runStart } from "./cli/start.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { DataDirError, DataDirLockedError } from "./store/index.ts";

const USAGE = `usage: reprise <command>
  start                                   serve both APIs (embedded store, or DATABASE_URL)
  token [--account ID] [--ttl SECONDS]    print a development JWT
  keys create [--account ID] [--name N]   create an Alloy API key (printed once)
  workflows import <file.yaml> [--account ID] [--api altostrat|alloy]
    keys and workflows reach a running server's admin listener with ${SERVER_USAGE}
  contract [--altostrat URL --alloy URL | --mock] [options]   run the contract suite (contract --help)`;

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
  process.stderr.write(`reprise: ${describe(err)}\n`);
  if (!known && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});

/** One line saying what stopped the command; never `[object Object]`. */
function describe(err: unknown): string {
  // The only data directory the CLI opens is the one configured by REPRISE_DATA_DIR (./data by default).
  if (err instanceof DataDirError) return `REPRISE_DATA_DIR=${err.dataDir} ${err.problem}`;
  if (err instanceof Error) return err.message;
  if (typeof err === "object" && err !== null) {
    const { name, message, code, errno } = err as Record<string, unknown>;
    const parts = [name, message, code ?? errno].filter((part) => (typeof part === "string" && part !== "") || typeof part === "number");
    if (parts.length > 0) return parts.join(": ");
    try {
      return JSON.stringify(err);
    } catch {
      return "an unknown error";
    }
  }
  return String(err);
}
