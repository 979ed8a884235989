import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { cleanUp } from "./servers.ts";
import { pinLoadGenerator } from "./pin.ts";
import { publishFigure, type Figure } from "./report.ts";

/** A figure script's entry: measures, and returns its table. */
export type FigureRun = () => Promise<Figure>;

/** True when `moduleUrl` is the script node was started with (not imported by run-all). */
export function isMain(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(moduleUrl));
}

/** Runs one figure with the load generator pinned, publishes it, and always cleans up servers and data. */
export async function measureFigure(run: FigureRun): Promise<Figure> {
  pinLoadGenerator();
  try {
    const figure = await run();
    publishFigure(figure);
    return figure;
  } finally {
    await cleanUp();
  }
}

/** Standalone entry point of a figure script. */
export function mainFigure(moduleUrl: string, run: FigureRun): void {
  if (!isMain(moduleUrl)) return;
  measureFigure(run).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
