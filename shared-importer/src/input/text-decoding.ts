/** Which text encoding a byte-order mark announces; UTF-8 when there is none. */
export function detectTextEncoding(bytes: Uint8Array): 'utf-8' | 'utf-16le' | 'utf-16be' {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return 'utf-8';
}

/** Decodes the sniffed head for detection; invalid bytes become U+FFFD rather than failing. */
export function decodeHead(bytes: Uint8Array): string {
  return new TextDecoder(detectTextEncoding(bytes)).decode(bytes);
}
