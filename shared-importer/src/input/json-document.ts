import { TraceImportError } from '../errors.ts';
import type { FormatImportContext } from '../formats/format-importer.ts';
import type { ByteStream } from './byte-stream.ts';
import { detectTextEncoding } from './text-decoding.ts';

/**
 * Reads and parses a JSON document that has to be seen whole (speedscope,
 * Firefox profiles: their tables refer to each other by index). Failures
 * become TraceImportErrors a user can act on.
 */
export async function readJsonDocument(input: ByteStream, context: FormatImportContext, what: string): Promise<unknown> {
  const bytes = await input.readAll(context.maxBufferedBytes, what);
  let text: string;
  try {
    text = new TextDecoder(detectTextEncoding(bytes)).decode(bytes);
  } catch (error) {
    // V8 refuses strings above ~512 MiB characters.
    throw new TraceImportError('too-large', `${what} is too large to decode as one JSON document: ${describe(error)}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    if (error instanceof RangeError) {
      throw new TraceImportError('too-large', `${what} is too large to parse: ${error.message}`);
    }
    const message = describe(error);
    if (/end of (JSON )?input|unterminated|unexpected end/i.test(message)) {
      throw new TraceImportError('truncated', `${what} ends before the JSON is complete (the file looks truncated): ${message}`);
    }
    throw new TraceImportError('invalid-json', `${what} is not valid JSON: ${message}`);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A JSON object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
