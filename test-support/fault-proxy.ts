// A TCP proxy in front of a local server that can cut connections the way a
// network does (no close frame, no FIN handshake: the client sees 1006), or
// hold back what the server sends on them, for
// fault tests of clients that must reconnect. Each connection is named by the
// path of its first HTTP request, so a test can drop the chat socket and
// leave Realtime up, or the other way round.
import { connect, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ProxiedConnection {
  /** Path of the first request on the connection (e.g. /realtime/v1/websocket). */
  path: string;
  client: Socket;
  upstream: Socket;
}

export interface FaultProxy {
  /** http://127.0.0.1:<port>, to use instead of the target's URL. */
  url: string;
  /** Open connections. */
  connections(): ProxiedConnection[];
  /** Cuts every open connection whose first request path starts with `pathPrefix`; returns how many. */
  drop(pathPrefix: string): number;
  /** Holds back what the server sends on those connections (a congested link) until they are dropped; returns how many. */
  stall(pathPrefix: string): number;
  stop(): Promise<void>;
}

export async function startFaultProxy(targetUrl: string): Promise<FaultProxy> {
  const target = new URL(targetUrl);
  const open = new Set<ProxiedConnection>();

  const server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    const connection: ProxiedConnection = { path: '', client, upstream };
    open.add(connection);
    const forget = () => {
      open.delete(connection);
      client.destroy();
      upstream.destroy();
    };
    client.once('data', (head: Buffer) => {
      connection.path = /^[A-Z]+ (\S+)/.exec(head.toString('latin1'))?.[1] ?? '';
    });
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('error', forget);
    upstream.on('error', forget);
    client.on('close', forget);
    upstream.on('close', forget);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => [...open],
    drop(pathPrefix) {
      let count = 0;
      for (const connection of [...open]) {
        if (!connection.path.startsWith(pathPrefix)) continue;
        // resetAndDestroy sends RST: the peer gets no close frame, as when a network drops.
        connection.client.resetAndDestroy();
        connection.upstream.resetAndDestroy();
        open.delete(connection);
        count++;
      }
      return count;
    },
    stall(pathPrefix) {
      const stalled = [...open].filter((connection) => connection.path.startsWith(pathPrefix));
      for (const connection of stalled) {
        connection.upstream.unpipe(connection.client);
        connection.upstream.pause();
      }
      return stalled.length;
    },
    async stop() {
      for (const connection of open) {
        connection.client.destroy();
        connection.upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
