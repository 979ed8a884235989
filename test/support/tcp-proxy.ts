import net from "node:net";

/** A TCP endpoint in front of a server (PostgreSQL) that turns connections away until told to forward them. */
export interface TcpProxy {
  port: number;
  /** Connections turned away so far (each one a failed connection attempt of the client). */
  refused: number;
  /** From now on, connections are forwarded to the upstream server. */
  forward(): void;
  /** From now on, connections are turned away again, and those being forwarded are cut. */
  refuse(): void;
  close(): Promise<void>;
}

/** Listens on a free port of 127.0.0.1; every connection is closed at once until `forward()`. */
export async function startTcpProxy(upstream: { host: string; port: number }): Promise<TcpProxy> {
  let forwarding = false;
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
  };
  const server = net.createServer((client) => {
    track(client);
    if (!forwarding) {
      proxy.refused++;
      return void client.destroy();
    }
    const server = net.connect(upstream.port, upstream.host);
    track(server);
    client.pipe(server).pipe(client);
    client.once("close", () => server.destroy());
    server.once("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const proxy: TcpProxy = {
    port: (server.address() as net.AddressInfo).port,
    refused: 0,
    forward: () => void (forwarding = true),
    refuse() {
      forwarding = false;
      for (const socket of sockets) socket.destroy();
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
