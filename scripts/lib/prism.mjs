// Starts a Prism mock of one bundled spec and resolves once it listens.
import { spawn } from "node:child_process";
import { PRISM_BIN } from "./pipeline.mjs";

/**
 * Starts `prism mock` on host:port (port 0 is not supported by Prism, so callers pick a free one).
 * `onSpawn` receives the child at once, so a caller can stop it even before it listens.
 * @returns {Promise<{ url: string, child: import("node:child_process").ChildProcess, stop: () => Promise<void> }>}
 */
export function startPrism({ spec, port, host = "127.0.0.1", dynamic = false, errors = false, onOutput, onSpawn }) {
  const args = ["mock", spec, "--port", String(port), "--host", host];
  if (dynamic) args.push("--dynamic");
  if (errors) args.push("--errors");
  const child = spawn(process.execPath, [PRISM_BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  onSpawn?.(child);
  return waitForListening(child, `http://${host}:${port}`, onOutput);
}

/** Starts `prism proxy` that validates traffic to `upstream` against `spec`. */
export function startPrismProxy({ spec, upstream, port, host = "127.0.0.1", errors = true, onOutput }) {
  const args = ["proxy", spec, upstream, "--port", String(port), "--host", host];
  if (errors) args.push("--errors");
  const child = spawn(process.execPath, [PRISM_BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  return waitForListening(child, `http://${host}:${port}`, onOutput);
}

function waitForListening(child, url, onOutput) {
  return new Promise((resolve, reject) => {
    let log = "";
    const stop = () =>
      new Promise((done) => {
        if (child.exitCode !== null) return done();
        child.once("exit", () => done());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 3000).unref();
      });
    const onData = (chunk) => {
      const text = chunk.toString();
      log += text;
      onOutput?.(text);
      if (/Prism is listening/.test(log)) resolve({ url, child, stop, output: () => log });
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => reject(new Error(`Prism exited with ${code} before listening:\n${log}`)));
    child.once("error", reject);
  });
}
