import type { Gunzip } from './import-options.ts';

/** gzip via the web-standard DecompressionStream (browsers, Deno, Node >= 18). */
export const webGunzip: Gunzip = async function* (compressed) {
  const ds = new DecompressionStream('gzip');
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

export function hasWebGunzip(): boolean {
  return typeof DecompressionStream === 'function';
}
