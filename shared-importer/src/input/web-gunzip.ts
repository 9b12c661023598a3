import type { Gunzip } from './import-options.ts';

type Decompress = (compressed: AsyncIterable<Uint8Array>) => AsyncIterable<Uint8Array>;

/** gzip via the web-standard DecompressionStream (browsers, Deno, Node >= 18). */
export const webGunzip: Gunzip = webDecompress('gzip');

/** Raw DEFLATE (a zip entry's data) via DecompressionStream, where the runtime has the format (see hasWebInflateRaw). */
export const webInflateRaw: Decompress = webDecompress('deflate-raw');

function webDecompress(format: CompressionFormat): Decompress {
  return async function* (compressed) {
    const ds = new DecompressionStream(format);
    const writer = ds.writable.getWriter();
    const pump = (async () => {
      try {
        for await (const chunk of compressed) await writer.write(chunk as Uint8Array<ArrayBuffer>);
        await writer.close();
      } catch (error) {
        await writer.abort(error).catch(() => {});
      }
    })();
    const reader = ds.readable.getReader();
    let finished = false;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          finished = true;
          break;
        }
        yield value;
      }
    } finally {
      // Stopped early (or failed): cancelling the output fails the pump's
      // pending write, which a full stream would otherwise hold forever.
      if (!finished) await reader.cancel().catch(() => {});
      reader.releaseLock();
      await pump;
    }
  };
}

export function hasWebGunzip(): boolean {
  return typeof DecompressionStream === 'function';
}

let inflateRawSupported: boolean | undefined;

/** 'deflate-raw' came to DecompressionStream after 'gzip' (Node 21.2 / 20.12, Safari 16.4, Firefox 113). */
export function hasWebInflateRaw(): boolean {
  if (inflateRawSupported === undefined) {
    try {
      new DecompressionStream('deflate-raw');
      inflateRawSupported = true;
    } catch {
      inflateRawSupported = false;
    }
  }
  return inflateRawSupported;
}
