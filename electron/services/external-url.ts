/**
 * Links the app may hand to the system browser: https only, no credentials
 * in the URL. Anything else (file:, javascript:, custom schemes that launch
 * other programs) is refused. Returns the normalised URL or null.
 */
export function safeExternalUrl(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:') return null;
  if (url.username || url.password) return null;
  if (!url.hostname) return null;
  return url.href;
}
