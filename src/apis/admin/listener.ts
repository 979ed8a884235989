import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createAdminApp, type AdminAppOptions } from "./app.ts";

/** The only address the admin listener binds: tenants reach the server through other interfaces, never this one. */
export const ADMIN_HOST = "127.0.0.1";

/** A started admin listener. */
export interface AdminListener {
  server: Server;
  url: string;
  token: string;
}

/** Starts the admin app on 127.0.0.1 with a fresh random token (a new one each start). */
export function startAdminListener(port: number, options: Omit<AdminAppOptions, "token">): Promise<AdminListener> {
  const token = randomBytes(32).toString("base64url");
  const app = createAdminApp({ ...options, token });
  return new Promise((resolve, reject) => {
    const server = app.listen(port, ADMIN_HOST);
    server.once("error", reject);
    server.once("listening", () => {
      // The body limit bounds what a request may send; this bounds how long it may take to send it.
      server.requestTimeout = 30_000;
      server.headersTimeout = 10_000;
      resolve({ server, url: `http://${ADMIN_HOST}:${(server.address() as AddressInfo).port}`, token });
    });
  });
}
