// Storage subset that @supabase/storage-js and TUS clients use: upload (raw or multipart), download,
// remove, and TUS resumable uploads. Object bytes live in a temp dir named by object id; the
// metadata rows live in storage.objects, written and read as the caller so the storage.objects RLS
// policies decide who may do what, as in supabase/storage.
import type { PGlite, Transaction } from '@electric-sql/pglite';
import { FileStore } from '@tus/file-store';
import { Server as TusServer } from '@tus/server';
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { CallerError, claimsOfToken, resolveCaller } from './caller.ts';
import { asCaller, asPgError, type JwtClaims } from './database.ts';
import { readBody, sendJson } from '../http-util.ts';
import type { JwtKeys } from './jwt-keys.ts';

export const TUS_PATH = '/storage/v1/upload/resumable';
const UPSERT_METADATA_KEY = 'x-upsert';

/** Storage answers every non-500 error with HTTP 400 and puts the real status in the body. */
export class StorageError extends Error {
  constructor(
    readonly statusCode: number,
    readonly error: string,
    message: string,
    readonly code: string = error,
  ) {
    super(message);
  }
  body(): Record<string, string> {
    return { statusCode: String(this.statusCode), code: this.code, error: this.error, message: this.message };
  }
}

const notFound = () => new StorageError(404, 'not_found', 'Object not found', 'NoSuchKey');
const bucketNotFound = () => new StorageError(404, 'Bucket not found', 'Bucket not found', 'NoSuchBucket');
const duplicate = () => new StorageError(409, 'Duplicate', 'The resource already exists', 'ResourceAlreadyExists');
const tooLarge = () => new StorageError(413, 'Payload too large', 'The object exceeded the maximum allowed size', 'EntityTooLarge');
const rlsDenied = () => new StorageError(403, 'Unauthorized', 'new row violates row-level security policy', 'AccessDenied');

function storageErrorFromPg(error: unknown): StorageError | undefined {
  const pg = asPgError(error);
  if (!pg) return undefined;
  if (pg.code === '23505') return duplicate();
  if (pg.code === '42501') return rlsDenied();
  return new StorageError(400, 'DatabaseError', pg.message, 'DatabaseError');
}

interface ObjectWrite {
  bucket: string;
  name: string;
  size: number;
  mimetype: string;
  cacheControl: string;
  userMetadata: Record<string, unknown> | null;
  eTag: string;
  upsert: boolean;
}

interface ObjectRow {
  id: string;
  name: string;
  bucket_id: string;
  metadata: { mimetype?: string; size?: number; eTag?: string; cacheControl?: string; lastModified?: string } | null;
  updated_at: Date;
}

export class StorageService {
  readonly tus: TusServer;
  private readonly objectsDir: string;
  private readonly incomingDir: string;

  constructor(
    private readonly db: PGlite,
    private readonly keys: JwtKeys,
    storageDir: string,
    private readonly fileSizeLimit: number,
  ) {
    this.objectsDir = join(storageDir, 'objects');
    this.incomingDir = join(storageDir, 'incoming');
    const tusDir = join(storageDir, 'tus');
    this.tus = new TusServer({
      path: TUS_PATH,
      datastore: new FileStore({ directory: tusDir }),
      maxSize: fileSizeLimit,
      respectForwardedHeaders: true,
      allowedHeaders: ['apikey', 'x-upsert', 'x-client-info'],
      onUploadCreate: async (req, upload) => {
        try {
          const write = tusWrite(req.headers, upload.metadata, upload.size ?? 0);
          write.upsert = req.headers.get('x-upsert') === 'true'; // only the header counts at creation
          const claims = await this.tusCaller(req.headers);
          await this.checkBucket(write.bucket, write.size);
          // Check with a rolled-back insert now, so a refused upload fails before any bytes are sent.
          await this.insertObjectRow(claims, write, { dryRun: true });
          // Remember the creation's x-upsert: later PATCH requests need not repeat the header.
          return { metadata: { ...upload.metadata, [UPSERT_METADATA_KEY]: String(write.upsert) } };
        } catch (error) {
          throw tusRejection(error);
        }
      },
      onUploadFinish: async (req, upload) => {
        try {
          const write = tusWrite(req.headers, upload.metadata, upload.size ?? upload.offset);
          const claims = await this.tusCaller(req.headers);
          const source = upload.storage?.path ?? join(tusDir, upload.id);
          write.eTag = await fileEtag(source);
          const id = await this.insertObjectRow(claims, write, { dryRun: false });
          await mkdir(this.objectsDir, { recursive: true });
          await rename(source, join(this.objectsDir, id));
          await rm(`${source}.json`, { force: true });
          return {};
        } catch (error) {
          throw tusRejection(error);
        }
      },
    });
  }

  private async tusCaller(headers: Headers): Promise<JwtClaims> {
    const auth = headers.get('authorization');
    const token = auth && /^bearer /i.test(auth) ? auth.slice(7).trim() : headers.get('apikey');
    if (!token) throw new StorageError(401, 'Unauthorized', 'Missing authorization', 'InvalidJWT');
    try {
      return await claimsOfToken(token, this.keys);
    } catch (error) {
      throw new StorageError(403, 'Unauthorized', (error as Error).message, 'InvalidJWT');
    }
  }

  private async checkBucket(bucket: string, size: number): Promise<void> {
    const { rows } = await this.db.query<{ file_size_limit: string | null }>('select file_size_limit from storage.buckets where id = $1', [bucket]);
    if (!rows[0]) throw bucketNotFound();
    const limit = Math.min(this.fileSizeLimit, rows[0].file_size_limit === null ? Infinity : Number(rows[0].file_size_limit));
    if (size > limit) throw tooLarge();
  }

  /** Inserts (or with upsert, updates) the storage.objects row as the caller; RLS decides. */
  private async insertObjectRow(claims: JwtClaims, write: ObjectWrite, { dryRun }: { dryRun: boolean }): Promise<string> {
    const owner = typeof claims.sub === 'string' ? claims.sub : null;
    const metadata = {
      eTag: write.eTag,
      size: write.size,
      mimetype: write.mimetype,
      cacheControl: write.cacheControl,
      lastModified: new Date().toISOString(),
      contentLength: write.size,
      httpStatusCode: 200,
    };
    const conflict = write.upsert
      ? ` on conflict (bucket_id, name) do update set metadata = excluded.metadata, user_metadata = excluded.user_metadata,
          owner = excluded.owner, owner_id = excluded.owner_id, updated_at = now(), version = excluded.version`
      : '';
    const sentinel = new Error('dry run');
    try {
      return await asCaller(this.db, { claims }, async (tx: Transaction) => {
        const { rows } = await tx.query<{ id: string }>(
          `insert into storage.objects (bucket_id, name, owner, owner_id, metadata, user_metadata, version)
           values ($1, $2, $3, $4, $5, $6, $7)${conflict} returning id`,
          [write.bucket, write.name, owner, owner, metadata, write.userMetadata, randomUUID()],
        );
        if (dryRun) throw sentinel;
        return rows[0].id;
      });
    } catch (error) {
      if (error === sentinel) return '';
      throw storageErrorFromPg(error) ?? error;
    }
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL, subpath: string): Promise<void> {
    try {
      if (url.pathname.startsWith(TUS_PATH)) return await this.tus.handle(req, res);
      const signedPath = /^\/object\/sign\/([^/]+)\/(.+)$/.exec(subpath);
      if (signedPath && req.method === 'GET') {
        // The token is the authorisation: no apikey or bearer needed, as on the real service.
        return await this.downloadSigned(req, res, url, decodeURIComponent(signedPath[1]), decodeURIComponent(signedPath[2]));
      }
      const claims = await resolveCaller(req, url, this.keys).catch((error: unknown) => {
        if (error instanceof CallerError) {
          throw error.kind === 'bad_jwt' || error.kind === 'bad_role'
            ? new StorageError(403, 'Unauthorized', error.message, 'InvalidJWT')
            : new StorageError(401, 'Unauthorized', error.message, 'InvalidKey');
        }
        throw error;
      });
      const objectPath = /^\/object\/(?:authenticated\/)?([^/]+)\/(.+)$/.exec(subpath);
      const bucketOnly = /^\/object\/([^/]+)\/?$/.exec(subpath);
      if (signedPath && req.method === 'POST') {
        const body = JSON.parse((await readBody(req)).toString('utf8') || '{}');
        return sendJson(res, 200, await this.sign(claims, decodeURIComponent(signedPath[1]), decodeURIComponent(signedPath[2]), Number(body.expiresIn)));
      }
      if (objectPath && (req.method === 'POST' || req.method === 'PUT')) {
        const [, bucket, name] = objectPath;
        return await this.upload(req, res, claims, decodeURIComponent(bucket), decodeURIComponent(name));
      }
      if (objectPath && (req.method === 'GET' || req.method === 'HEAD')) {
        return await this.download(req, res, claims, decodeURIComponent(objectPath[1]), decodeURIComponent(objectPath[2]));
      }
      if (objectPath && req.method === 'DELETE') {
        const removed = await this.remove(claims, decodeURIComponent(objectPath[1]), [decodeURIComponent(objectPath[2])]);
        if (removed.length === 0) throw notFound();
        return sendJson(res, 200, { message: 'Successfully deleted' });
      }
      if (bucketOnly && req.method === 'DELETE') {
        const body = JSON.parse((await readBody(req)).toString('utf8') || '{}');
        const prefixes = Array.isArray(body.prefixes) ? body.prefixes.map(String) : [];
        return sendJson(res, 200, await this.remove(claims, decodeURIComponent(bucketOnly[1]), prefixes));
      }
      throw new StorageError(404, 'not_found', `Route ${req.method}:${url.pathname} not found`, 'NotFound');
    } catch (error) {
      const storageError = error instanceof StorageError ? error : storageErrorFromPg(error);
      if (storageError) return sendJson(res, 400, storageError.body());
      if (error instanceof SyntaxError) return sendJson(res, 400, new StorageError(400, 'InvalidJSON', 'Body is not valid JSON').body());
      throw error;
    }
  }

  private async upload(req: IncomingMessage, res: ServerResponse, claims: JwtClaims, bucket: string, name: string): Promise<void> {
    await this.checkBucket(bucket, Number(req.headers['content-length'] ?? 0));
    await mkdir(this.incomingDir, { recursive: true });
    const incoming = join(this.incomingDir, randomUUID());
    try {
      const contentType = String(req.headers['content-type'] ?? 'application/octet-stream');
      let mimetype = contentType;
      let cacheControl = String(req.headers['cache-control'] ?? 'max-age=3600');
      let userMetadata: Record<string, unknown> | null = req.headers['x-metadata']
        ? JSON.parse(Buffer.from(String(req.headers['x-metadata']), 'base64').toString('utf8'))
        : null;
      if (contentType.startsWith('multipart/form-data')) {
        // storage-js sends Blob/File bodies as multipart: a cacheControl field, optional metadata, and the file.
        const raw = await readBody(req);
        const body = raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength) as ArrayBuffer;
        const form = await new Request('http://standin/', { method: 'POST', headers: { 'content-type': contentType }, body }).formData();
        const file = [...form.values()].find((v): v is File => typeof v !== 'string');
        if (!file) throw new StorageError(400, 'InvalidRequest', 'No file found in multipart body');
        mimetype = file.type || 'application/octet-stream';
        const cacheField = form.get('cacheControl');
        if (typeof cacheField === 'string') cacheControl = `max-age=${cacheField}`;
        const metaField = form.get('metadata');
        if (typeof metaField === 'string') userMetadata = JSON.parse(metaField);
        await writeFile(incoming, Buffer.from(await file.arrayBuffer()));
      } else {
        await pipeline(req, createWriteStream(incoming));
      }
      const size = (await stat(incoming)).size;
      await this.checkBucket(bucket, size);
      const upsert = req.method === 'PUT' || String(req.headers['x-upsert']) === 'true';
      if (req.method === 'PUT') {
        // Update requires an existing object the caller can see.
        const exists = await asCaller(this.db, { claims }, (tx) =>
          tx.query('select 1 from storage.objects where bucket_id = $1 and name = $2', [bucket, name]),
        );
        if (exists.rows.length === 0) throw notFound();
      }
      const id = await this.insertObjectRow(
        claims,
        { bucket, name, size, mimetype, cacheControl, userMetadata, eTag: await fileEtag(incoming), upsert },
        { dryRun: false },
      );
      await mkdir(this.objectsDir, { recursive: true });
      await rename(incoming, join(this.objectsDir, id));
      sendJson(res, 200, { Id: id, Key: `${bucket}/${name}` });
    } finally {
      await rm(incoming, { force: true });
    }
  }

  private async download(req: IncomingMessage, res: ServerResponse, claims: JwtClaims, bucket: string, name: string): Promise<void> {
    const { rows } = await asCaller(this.db, { claims }, (tx) =>
      tx.query<ObjectRow>('select id, name, bucket_id, metadata, updated_at from storage.objects where bucket_id = $1 and name = $2', [bucket, name]),
    );
    const row = rows[0];
    if (!row) throw notFound();
    const path = join(this.objectsDir, row.id);
    const size = (await stat(path).catch(() => undefined))?.size;
    if (size === undefined) throw notFound();
    res.writeHead(200, {
      'content-type': row.metadata?.mimetype ?? 'application/octet-stream',
      'content-length': size,
      'cache-control': row.metadata?.cacheControl ?? 'no-cache',
      etag: row.metadata?.eTag ?? '',
      'last-modified': row.updated_at.toUTCString(),
    });
    if (req.method === 'HEAD') return void res.end();
    await pipeline(createReadStream(path), res);
  }

  /** Signed URL as supabase/storage issues it: a JWT naming `bucket/path`, valid for expiresIn seconds. */
  private async sign(claims: JwtClaims, bucket: string, name: string, expiresIn: number): Promise<{ signedURL: string }> {
    if (!Number.isFinite(expiresIn) || expiresIn < 1) throw new StorageError(400, 'InvalidRequest', 'expiresIn must be a positive number');
    // Only an object the caller may read can be signed.
    const { rows } = await asCaller(this.db, { claims }, (tx) => tx.query('select 1 from storage.objects where bucket_id = $1 and name = $2', [bucket, name]));
    if (rows.length === 0) throw notFound();
    const iat = Math.floor(Date.now() / 1000);
    const token = await this.keys.signWithSecret({ url: `${bucket}/${name}`, iat, exp: iat + Math.floor(expiresIn) });
    // Raw path, as the real service returns it: storage-js applies encodeURI to the whole URL.
    return { signedURL: `/object/sign/${bucket}/${name}?token=${token}` };
  }

  private async downloadSigned(req: IncomingMessage, res: ServerResponse, url: URL, bucket: string, name: string): Promise<void> {
    let claims: JwtClaims;
    try {
      claims = await this.keys.verify(url.searchParams.get('token') ?? '');
    } catch (error) {
      const expired = (error as { code?: string }).code === 'ERR_JWT_EXPIRED';
      throw new StorageError(400, 'InvalidJWT', expired ? 'jwt expired' : 'invalid signature', 'InvalidJWT');
    }
    if (claims.url !== `${bucket}/${name}`) throw new StorageError(400, 'InvalidSignature', 'The url do not match the signature', 'InvalidSignature');
    // The signature already authorised this object, so the lookup runs with RLS bypassed.
    return this.download(req, res, { role: 'service_role' }, bucket, name);
  }

  private async remove(claims: JwtClaims, bucket: string, names: string[]): Promise<Record<string, unknown>[]> {
    const { rows } = await asCaller(this.db, { claims }, (tx) =>
      tx.query<Record<string, unknown> & { id: string }>(
        `delete from storage.objects
          where bucket_id = $1 and name in (select jsonb_array_elements_text($2::jsonb))
          returning id, name, bucket_id, owner, owner_id, metadata, user_metadata, version, created_at, updated_at, last_accessed_at`,
        [bucket, JSON.stringify(names)],
      ),
    );
    await Promise.all(rows.map((row) => rm(join(this.objectsDir, row.id), { force: true })));
    return rows;
  }
}

function tusWrite(headers: Headers, metadata: Record<string, string | null> | undefined, size: number): ObjectWrite {
  const bucket = metadata?.bucketName;
  const name = metadata?.objectName;
  if (!bucket || !name) {
    throw new StorageError(400, 'InvalidRequest', 'Upload-Metadata needs bucketName and objectName');
  }
  return {
    bucket,
    name,
    size,
    mimetype: metadata.contentType || 'application/octet-stream',
    cacheControl: metadata.cacheControl ? `max-age=${metadata.cacheControl}` : 'max-age=3600',
    userMetadata: metadata.metadata ? JSON.parse(metadata.metadata) : null,
    eTag: '',
    upsert: metadata[UPSERT_METADATA_KEY] === 'true' || headers.get('x-upsert') === 'true',
  };
}

/** TUS replies carry the real HTTP status (tus clients read it), with the storage error body. */
function tusRejection(error: unknown): unknown {
  const storageError = error instanceof StorageError ? error : storageErrorFromPg(error);
  if (!storageError) return error;
  return { status_code: storageError.statusCode, body: JSON.stringify(storageError.body()) };
}

async function fileEtag(path: string): Promise<string> {
  const hash = createHash('md5');
  await pipeline(createReadStream(path), hash);
  return `"${hash.digest('hex')}"`;
}
