// Uploads of dropped or picked files: one streaming HTTP POST per file,
// its body piped into the import service's streamed import. The browser
// streams a File body from its network stack without copying it through JS
// (the old path sliced the file and sent 1 MiB WebSocket frames from the
// page's main thread). The page first asks for an upload over the WebSocket
// (`upload-start`), which starts the import and answers ImportStarted at
// once; the POST then names that upload by a random, single-use id.
//
// The host's request handler has already checked Host and the token; this
// also requires the page's Origin, POST, a known id and the declared size.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ImportStarted } from '../ipc-contract.ts';
import type { ImportService, UploadSink } from '../services/import-service.ts';

/** Bytes gathered from the request before one write to the worker (HTTP delivers ~64 KiB pieces). */
const WRITE_BYTES = 1024 * 1024;
/** Largest upload accepted; the importer's own decompression cap is 16 GiB. */
export const MAX_UPLOAD_BYTES = 16 * 1024 ** 3;

interface PendingUpload {
  importId: string;
  sink: UploadSink;
  totalBytes: number;
  /** The page's WebSocket that asked for it; it going away cancels the import. */
  owner: object;
}

export class UploadEndpoint {
  private readonly pending = new Map<string, PendingUpload>();

  constructor(private readonly imports: ImportService) {}

  /** Starts a streamed import whose bytes arrive by POST to `uploadPath(uploadId)`. */
  start(owner: object, fileName: string, totalBytes: number): { uploadId: string; started: ImportStarted } {
    if (totalBytes > MAX_UPLOAD_BYTES) throw new Error(`Files over ${MAX_UPLOAD_BYTES / 1024 ** 3} GiB cannot be opened.`);
    const { started, upload } = this.imports.importStream(fileName, totalBytes);
    const uploadId = randomBytes(18).toString('base64url');
    this.pending.set(uploadId, { importId: started.importId, sink: upload, totalBytes, owner });
    return { uploadId, started };
  }

  /** A page went away: uploads it asked for and has not sent are cancelled. */
  dropOwner(owner: object): void {
    for (const [id, upload] of this.pending) {
      if (upload.owner !== owner) continue;
      this.pending.delete(id);
      this.imports.cancel(upload.importId);
    }
  }

  /** Serves `POST <path>?id=...`; `origin` is the only Origin accepted. */
  async handle(request: IncomingMessage, response: ServerResponse, url: URL, allowedOrigins: string[]): Promise<void> {
    if (request.method !== 'POST') return reply(response, 405, 'Uploads are POST requests.', { allow: 'POST' });
    if (!allowedOrigins.includes(request.headers.origin ?? '')) return reply(response, 403, 'Uploads come from the page only.');
    const id = url.searchParams.get('id') ?? '';
    const upload = this.pending.get(id);
    if (!upload) return reply(response, 404, 'No such upload (it was cancelled or already sent).');
    this.pending.delete(id);
    const declared = Number(request.headers['content-length']);
    if (request.headers['content-length'] !== undefined && declared !== upload.totalBytes) {
      this.imports.cancel(upload.importId);
      return reply(response, 413, `The upload is ${declared} bytes, ${upload.totalBytes} were announced.`);
    }

    // The page closing or aborting mid-upload cannot finish the import.
    response.once('close', () => {
      if (!response.writableFinished) this.imports.cancel(upload.importId);
    });
    let received = 0;
    let batch: Buffer[] = [];
    let batchBytes = 0;
    const flush = async () => {
      // A fresh buffer of its own, which the sink moves to the worker instead of copying it.
      const bytes = Buffer.concat(batch, batchBytes);
      batch = [];
      batchBytes = 0;
      return upload.sink.write(bytes);
    };
    try {
      // for-await reads the next piece only when the worker has room: backpressure all the way to the browser.
      for await (const piece of request as AsyncIterable<Buffer>) {
        received += piece.length;
        if (received > upload.totalBytes) {
          this.imports.cancel(upload.importId);
          return reply(response, 413, `The upload is larger than the ${upload.totalBytes} bytes announced.`, { connection: 'close' });
        }
        batch.push(piece);
        batchBytes += piece.length;
        if (batchBytes >= WRITE_BYTES && !(await flush())) {
          // Cancelled, replaced or failed: the rest of the file is not wanted.
          return reply(response, 409, 'The import no longer reads this upload.', { connection: 'close' });
        }
      }
    } catch {
      return; // The request broke off; the response's 'close' cancels the import.
    }
    if (received < upload.totalBytes) {
      this.imports.cancel(upload.importId);
      return reply(response, 400, `The upload ended after ${received} of ${upload.totalBytes} bytes.`);
    }
    if (batchBytes > 0 && !(await flush())) return reply(response, 409, 'The import no longer reads this upload.');
    upload.sink.end();
    reply(response, 204, '');
  }
}

function reply(response: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  if (response.headersSent) return;
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  response.end(message);
}
