import http from "node:http";
import type { AddressInfo } from "node:net";

/** A tiny HTTP server on 127.0.0.1 (port 0) that serves one HTML page at `/` (and any `files`): another origin than the API's. */
export interface PageServer {
  url: string;
  close(): Promise<void>;
}

/** A file served besides the page, by its path (e.g. `/client.js`). */
export interface PageFile {
  contentType: string;
  body: string;
}

export function startPageServer(html: string, files: Record<string, PageFile> = {}): Promise<PageServer> {
  return new Promise((resolve, reject) => {
    const server = http.createServer((req, res) => {
      const file = req.url === "/" ? { contentType: "text/html; charset=utf-8", body: html } : Object.hasOwn(files, req.url ?? "") ? files[req.url!] : undefined;
      if (req.method === "GET" && file) {
        res.writeHead(200, { "content-type": file.contentType, "cache-control": "no-store" });
        res.end(file.body);
      } else {
        res.writeHead(404, { "content-type": "text/plain" });
        res.end("not found");
      }
    });
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}/`,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
