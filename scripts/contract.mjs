#!/usr/bin/env node
// npm run test:contract [-- options]: the contract scenarios and the Arazzo workflows (test/contract)
// against the Prism mock and the in-process server by default, or a deployment. The same command as
// `reprise contract` (options: `-- --help`; README "Contract tests"), except that it runs mock and
// server when no target is given and keeps its coverage records in coverage/contract for
// `npm run coverage:contract`.
import { runContractCommand } from "./lib/contract-command.mjs";

process.exitCode = await runContractCommand(process.argv.slice(2), { name: "test:contract", defaultTargets: "mock,server", recordsDir: "package" });
