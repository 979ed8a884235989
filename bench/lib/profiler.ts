import { Session } from "node:inspector/promises";
import { writeFileSync } from "node:fs";

/**
 * IPC commands that run V8's sampling CPU profiler (the one behind `node --cpu-prof`) in this process,
 * but only between `profile-start` and `profile-stop`, so start-up (module loading, PGlite initdb)
 * stays out of the load window. `profile-stop` writes a `.cpuprofile` to the given file.
 */
export function createProfilerCommands() {
  let session: Session | undefined;
  return {
    async "profile-start"() {
      session = new Session();
      session.connect();
      await session.post("Profiler.enable");
      await session.post("Profiler.setSamplingInterval", { interval: 500 });
      await session.post("Profiler.start");
      return true;
    },
    async "profile-stop"(args: Record<string, unknown>) {
      if (!session) throw new Error("profile-start was not called");
      const { profile } = await session.post("Profiler.stop");
      session.disconnect();
      session = undefined;
      writeFileSync(String(args.file), JSON.stringify(profile));
      return String(args.file);
    },
  };
}
