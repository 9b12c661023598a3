// Small assertions for the Deno tests (no std library: the functions resolve
// packages from npm only).

export class AssertionError extends Error {
  override readonly name = 'AssertionError';
}

export function assert(condition: unknown, message = 'Assertion failed'): asserts condition {
  if (!condition) throw new AssertionError(message);
}

function equal(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((k) => equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export function assertEquals(actual: unknown, expected: unknown, message?: string): void {
  if (!equal(actual, expected)) {
    throw new AssertionError(`${message ? `${message}: ` : ''}expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

export function assertMatch(actual: string, pattern: RegExp, message?: string): void {
  if (!pattern.test(actual)) throw new AssertionError(`${message ? `${message}: ` : ''}${JSON.stringify(actual)} does not match ${pattern}`);
}

export async function assertRejects(fn: () => Promise<unknown>, check?: (error: unknown) => boolean): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    if (check && !check(error)) throw new AssertionError(`Rejected with an unexpected error: ${String(error)}`);
    return error;
  }
  throw new AssertionError('Expected a rejection');
}
