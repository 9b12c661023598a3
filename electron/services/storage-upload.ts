// Resumable upload of a file to Supabase Storage over TUS (tus-js-client
// against Storage's resumable endpoint). Upload URLs are kept in a file, so an
// upload cut off (a network drop, the app quitting) continues from the offset
// the server has: the bytes it already stored are not sent again.
import type { SupabaseClient } from '@supabase/supabase-js';
import { createReadStream } from 'node:fs';
import * as tus from 'tus-js-client';

/** Chunk size of every PATCH: hosted Supabase requires exactly 6 MiB. */
export const UPLOAD_CHUNK_BYTES = 6 * 1024 * 1024;
/** Retries after a network error or a server error before the upload is reported failed. */
const RETRY_DELAYS_MS = [0, 1000, 3000, 5000];

type UploadOptions = NonNullable<ConstructorParameters<typeof tus.Upload>[1]>;
type UrlStorage = NonNullable<UploadOptions['urlStorage']>;
// tus-js-client's Node build exports FileUrlStorage; its typings leave it out.
const { FileUrlStorage } = tus as unknown as { FileUrlStorage: new (path: string) => UrlStorage };

export interface StorageUpload {
  client: SupabaseClient;
  bucket: string;
  objectName: string;
  filePath: string;
  contentType: string;
  /** The file that keeps upload URLs across restarts. */
  urlStorePath: string;
  signal: AbortSignal;
  /** Bytes the server holds (including those stored before a resume) and the total. */
  onProgress?: (bytesSent: number, bytesTotal: number) => void;
}

/** Storage answered the upload with an HTTP error: `status` is its code (409: the object exists already). */
export class StorageUploadError extends Error {
  override readonly name = 'StorageUploadError';
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

/** Uploads (or resumes uploading) the file; resolves once Storage has the whole object. Rejects with an AbortError when `signal` fires. */
export async function uploadResumable(request: StorageUpload): Promise<void> {
  request.signal.throwIfAborted();
  const endpoint = resumableEndpoint(request.client);
  const upload = new tus.Upload(createReadStream(request.filePath), {
    endpoint,
    chunkSize: UPLOAD_CHUNK_BYTES,
    retryDelays: RETRY_DELAYS_MS,
    metadata: { bucketName: request.bucket, objectName: request.objectName, contentType: request.contentType, cacheControl: '3600' },
    // Named by what is uploaded where, not by the local file: a copy made again after a restart resumes too.
    fingerprint: async () => `${endpoint}#${request.bucket}/${request.objectName}`,
    urlStorage: new FileUrlStorage(request.urlStorePath),
    removeFingerprintOnSuccess: true,
    // Each request carries the session's current token: a long upload outlives an access token.
    onBeforeRequest: async (req) => req.setHeader('authorization', `Bearer ${await accessToken(request.client)}`),
    onShouldRetry: shouldRetry,
    onProgress: request.onProgress,
  });
  const previous = await upload.findPreviousUploads();
  if (previous[0]) upload.resumeFromPreviousUpload(previous[0]);
  await new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      // Not terminated: the server keeps what it has, for a retry to resume.
      void upload.abort(false);
      reject(request.signal.reason instanceof Error ? request.signal.reason : new DOMException('Upload cancelled', 'AbortError'));
    };
    request.signal.addEventListener('abort', onAbort, { once: true });
    upload.options.onSuccess = () => {
      request.signal.removeEventListener('abort', onAbort);
      resolve();
    };
    upload.options.onError = (error) => {
      request.signal.removeEventListener('abort', onAbort);
      reject(storageError(error));
    };
    upload.start();
  });
}

/** Storage's TUS endpoint of the client's project (storage-js keeps its URL to itself; a public URL shows it). */
function resumableEndpoint(client: SupabaseClient): string {
  const { publicUrl } = client.storage.from('bucket').getPublicUrl('object').data;
  return publicUrl.replace(/\/object\/public\/bucket\/object$/, '/upload/resumable');
}

async function accessToken(client: SupabaseClient): Promise<string> {
  const { data } = await client.auth.getSession();
  if (!data.session) throw new StorageUploadError('Signed out.', null);
  return data.session.access_token;
}

/** Network and server errors are retried, and an offset conflict (the client then asks the server where to go on); 4xx answers are final. */
function shouldRetry(error: tus.DetailedError): boolean {
  const status = error.originalResponse?.getStatus() ?? 0;
  if (status === 0 || status >= 500 || status === 423) return true;
  return status === 409 && error.originalRequest.getMethod() !== 'POST';
}

/** The reason Storage gave (its JSON body's message), with the status. */
function storageError(error: Error | tus.DetailedError): StorageUploadError {
  const response = 'originalResponse' in error ? error.originalResponse : null;
  if (!response) return new StorageUploadError(error.message.replace(/, originated from request.*$/s, ''), null);
  let reason = response.getBody();
  try {
    reason = (JSON.parse(reason) as { message?: string }).message ?? reason;
  } catch {
    // Not JSON: the body as it is.
  }
  return new StorageUploadError(reason || `HTTP ${response.getStatus()}`, response.getStatus());
}
