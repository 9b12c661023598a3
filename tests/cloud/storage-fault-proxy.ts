// An HTTP proxy in front of the Supabase stand-in that sees what a client
// sends to Storage and can fail it the way a network does: cut a resumable
// upload's body after some bytes (the connection drops), hold it there (a
// stalled link), or answer every Storage request with an error (an outage).
// Everything else passes unchanged.
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const RESUMABLE_PATH = '/storage/v1/upload/resumable';

export type FaultMode =
  | { kind: 'pass' }
  /** The next PATCH body is forwarded up to `afterBytes`, then both connections are dropped; later ones pass. */
  | { kind: 'cut'; afterBytes: number }
  /** PATCH bodies are forwarded up to `afterBytes` in all from now, then held until the mode changes or the client gives up. */
  | { kind: 'hold'; afterBytes: number }
  /** Every Storage request is answered with this status. */
  | { kind: 'down'; status: number };

/** One request the proxy saw on the resumable endpoint. */
export interface UploadRequest {
  method: string;
  /** Upload-Offset the client sent (PATCH), or the server answered (HEAD). */
  offset: number | null;
  /** Body bytes forwarded to the server. */
  forwarded: number;
  status: number | null;
  /** The client's request is over (answered, or given up). */
  closed: boolean;
}

export interface StorageFaultProxy {
  url: string;
  requests: UploadRequest[];
  setMode(mode: FaultMode): void;
  /** PATCH body bytes forwarded to the server since the last call. */
  takeForwarded(): number;
  stop(): Promise<void>;
}

export async function startStorageFaultProxy(target: string): Promise<StorageFaultProxy> {
  const upstream = new URL(target);
  let mode: FaultMode = { kind: 'pass' };
  let released: (() => void)[] = [];
  let forwardedTotal = 0;
  /** forwardedTotal when the mode was set. */
  let forwardedBefore = 0;
  const requests: UploadRequest[] = [];

  const server: Server = createServer((req, res) => {
    const isUpload = req.url?.startsWith(RESUMABLE_PATH) ?? false;
    if (mode.kind === 'down' && req.url?.startsWith('/storage/')) {
      req.resume();
      res.writeHead(mode.status, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Storage is down (proxy)' }));
      return;
    }
    const record: UploadRequest | null = isUpload ? { method: req.method!, offset: null, forwarded: 0, status: null, closed: false } : null;
    if (record) {
      requests.push(record);
      // The response closes with the connection, also when the client drops a request whose body is held.
      res.on('close', () => (record.closed = true));
      const offset = req.headers['upload-offset'];
      if (offset !== undefined) record.offset = Number(offset);
    }
    forward(req, res, record);
  });

  function forward(req: IncomingMessage, res: ServerResponse, record: UploadRequest | null): void {
    const out = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      if (record) {
        record.status = answer.statusCode ?? null;
        if (record.method === 'HEAD') record.offset = Number(answer.headers['upload-offset'] ?? NaN);
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on('error', () => res.destroy());
    res.on('close', () => {
      if (!res.writableFinished) out.destroy();
    });
    if (record?.method !== 'PATCH') {
      req.pipe(out);
      return;
    }
    forwardPatchBody(req, res, out, record);
  }

  /**
   * Copies a PATCH body, applying the mode chunk by chunk. A held body is
   * still read from the client (kept here), so the proxy sees when the
   * client drops the connection.
   */
  function forwardPatchBody(req: IncomingMessage, res: ServerResponse, out: ReturnType<typeof httpRequest>, record: UploadRequest): void {
    const held: Buffer[] = [];
    let ended = false;
    const forwardChunk = (chunk: Buffer) => {
      if (held.length > 0) return void held.push(chunk);
      const limit =
        mode.kind === 'cut' ? mode.afterBytes - record.forwarded : mode.kind === 'hold' ? mode.afterBytes - (forwardedTotal - forwardedBefore) : Infinity;
      const part = chunk.subarray(0, Math.max(0, Math.min(chunk.length, limit)));
      out.write(part);
      record.forwarded += part.length;
      forwardedTotal += part.length;
      const rest = chunk.subarray(part.length);
      if (rest.length === 0) return;
      if (mode.kind === 'cut') {
        mode = { kind: 'pass' };
        out.destroy();
        req.socket.destroy();
        return;
      }
      held.push(rest);
      released.push(() => {
        // The client gave up meanwhile (a cancel, a quit): the rest never reaches the server.
        if (res.destroyed || out.destroyed) return;
        for (const next of held.splice(0)) forwardChunk(next);
        if (ended && held.length === 0) out.end();
      });
    };
    req.on('data', forwardChunk);
    req.on('end', () => {
      ended = true;
      if (held.length === 0) out.end();
    });
    res.on('close', () => {
      if (!req.complete || held.length > 0) out.destroy();
    });
  }

  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  let taken = 0;
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    setMode(next) {
      mode = next;
      forwardedBefore = forwardedTotal;
      const waiting = released;
      released = [];
      for (const go of waiting) go();
    },
    takeForwarded() {
      const since = forwardedTotal - taken;
      taken = forwardedTotal;
      return since;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((closed) => server.close(() => closed()));
    },
  };
}
