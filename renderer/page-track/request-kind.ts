// What a network request fetched, from its MIME type, as DevTools' network
// panel groups them: the waterfall colours bars by it and its legend names it.

export const REQUEST_KINDS = ['document', 'stylesheet', 'script', 'font', 'image', 'media', 'fetch', 'other'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

export const REQUEST_KIND_LABELS: Record<RequestKind, string> = {
  document: 'Document',
  stylesheet: 'CSS',
  script: 'JS',
  font: 'Font',
  image: 'Image',
  media: 'Media',
  fetch: 'Data',
  other: 'Other',
};

export function requestKind(mimeType: string | undefined): RequestKind {
  const mime = (mimeType ?? '').toLowerCase().split(';')[0].trim();
  if (mime === 'text/html' || mime === 'application/xhtml+xml') return 'document';
  if (mime === 'text/css') return 'stylesheet';
  if (/javascript|ecmascript|^application\/wasm$/.test(mime)) return 'script';
  if (mime.startsWith('font/') || /font|\bwoff2?\b|opentype|truetype/.test(mime)) return 'font';
  if (mime.startsWith('image/')) return 'image';
  if (mime.startsWith('video/') || mime.startsWith('audio/')) return 'media';
  if (/json|xml|^text\/plain$|^text\/event-stream$|^multipart\//.test(mime)) return 'fetch';
  return 'other';
}
