import type { FaultDatabase } from "./database.ts";
import { stopFleet, type ServerProcess } from "./fleet.ts";
import type { Target } from "./target.ts";
import type { World } from "./world.ts";

/** What a fault test started; a part is missing when its beforeAll failed before starting it. */
export interface FaultSetup {
  fleet: ServerProcess[];
  world?: World;
  target?: Target;
  db?: FaultDatabase;
}

/** Stops what a fault test started, in order: the fleet, the seeded world, the target, then the database. */
export async function tearDown({ fleet, world, target, db }: FaultSetup): Promise<void> {
  await stopFleet(fleet);
  await world?.close();
  await target?.close();
  await db?.drop();
}
