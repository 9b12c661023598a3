// process-ai-turn is callable only by the socket function: it presents a
// credential that never leaves the server side (AI_TURN_SECRET or the service
// role key) as a bearer token.

export function bearerToken(request: Request): string | undefined {
  const header = request.headers.get('authorization') ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header);
  return match?.[1]?.trim() || undefined;
}

/** Compares in time independent of where the strings differ, so the secret cannot be guessed byte by byte. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = new TextEncoder().encode(a);
  const right = new TextEncoder().encode(b);
  let diff = left.length ^ right.length;
  for (let i = 0; i < Math.max(left.length, right.length); i++) diff |= (left[i] ?? 0) ^ (right[i] ?? 0);
  return diff === 0;
}

export function hasServerCredential(request: Request, credential: string): boolean {
  const presented = bearerToken(request);
  return presented !== undefined && constantTimeEqual(presented, credential);
}
