// Edge Functions gateway: `/functions/v1/<slug>[/...]`, HTTP and WebSocket. Each function runs in
// its own real Deno process (deno-function-host.ts), started on first use and kept until stop().
// verify_jwt follows supabase/config.toml; the function sees the path without `/functions/v1`, as
// on the hosted platform.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Duplex } from 'node:stream';
import type { FunctionConfig } from './config-toml.ts';
import { LISTENING_MARKER } from './function-host-protocol.ts';
import { sendJson } from '../http-util.ts';
import type { JwtKeys } from './jwt-keys.ts';

const hostPath = new URL('./deno-function-host.ts', import.meta.url).pathname;
const repoRoot = new URL('../../', import.meta.url).pathname;
const BOOT_TIMEOUT_MS = 60_000;

export interface FunctionsGatewayOptions {
  functionsDir: string;
  configs: Map<string, FunctionConfig>;
  /** deno.json for the functions (import map, nodeModulesDir); none means `--no-config`. */
  denoConfig?: string;
  env: Record<string, string>;
  keys: JwtKeys;
  /** Forward function stdout/stderr to this process's stderr (default true). */
  logOutput: boolean;
}

interface RunningFunction {
  child: ChildProcess;
  port: number;
}

export function denoBinary(): string {
  return join(repoRoot, 'node_modules', '.bin', 'deno');
}

export class FunctionsGateway {
  private readonly running = new Map<string, Promise<RunningFunction>>();
  private readonly children = new Set<ChildProcess>();

  constructor(private readonly options: FunctionsGatewayOptions) {}

  async handle(req: IncomingMessage, res: ServerResponse, url: URL, subpath: string): Promise<void> {
    const slug = subpath.split('/')[1] ?? '';
    const target = await this.admit(req, slug);
    if ('status' in target) return sendJson(res, target.status, target.body);
    let fn: RunningFunction;
    try {
      fn = await target.start();
    } catch (error) {
      return sendJson(res, 503, { code: 'BOOT_ERROR', message: `Function failed to start (please check logs): ${(error as Error).message}` });
    }
    const upstream = httpRequest(
      {
        host: '127.0.0.1',
        port: fn.port,
        method: req.method,
        path: subpath + url.search,
        headers: { ...req.headers, host: url.host },
      },
      (response) => {
        res.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      if (!res.headersSent) sendJson(res, 502, { code: 'WORKER_ERROR', message: error.message }, { 'x-relay-error': 'true' });
      else res.destroy(error);
    });
    req.pipe(upstream);
  }

  /** WebSocket upgrade passthrough: replay the upgrade request to the function and splice sockets. */
  async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL, subpath: string): Promise<void> {
    const slug = subpath.split('/')[1] ?? '';
    const target = await this.admit(req, slug);
    if ('status' in target) {
      const body = JSON.stringify(target.body);
      socket.end(
        `HTTP/1.1 ${target.status} ${target.status === 404 ? 'Not Found' : 'Unauthorized'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
      return;
    }
    let fn: RunningFunction;
    try {
      fn = await target.start();
    } catch {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    const upstream = connect(fn.port, '127.0.0.1', () => {
      const lines = [`${req.method} ${subpath}${url.search} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(lines.join('\r\n') + '\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    const closeBoth = () => {
      upstream.destroy();
      socket.destroy();
    };
    upstream.on('error', closeBoth);
    socket.on('error', closeBoth);
    upstream.on('close', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
  }

  private async admit(req: IncomingMessage, slug: string): Promise<{ status: number; body: unknown } | { start: () => Promise<RunningFunction> }> {
    const config = this.options.configs.get(slug);
    const entry = config?.entrypoint ?? join(this.options.functionsDir, slug, 'index.ts');
    if (!/^[A-Za-z0-9_-]+$/.test(slug) || !existsSync(entry)) {
      return { status: 404, body: { code: 'NOT_FOUND', message: 'Requested function was not found' } };
    }
    if (config?.verifyJwt ?? true) {
      const auth = req.headers.authorization;
      const token = auth && /^bearer /i.test(auth) ? auth.slice(7).trim() : '';
      const valid =
        token !== '' &&
        (await this.options.keys.verify(token).then(
          () => true,
          () => false,
        ));
      if (!valid) return { status: 401, body: { msg: 'Invalid JWT' } };
    }
    return { start: () => this.ensureRunning(slug, entry) };
  }

  private ensureRunning(slug: string, entry: string): Promise<RunningFunction> {
    let running = this.running.get(slug);
    if (!running) {
      running = this.boot(slug, entry);
      this.running.set(slug, running);
      // A function that failed to boot is retried on the next request.
      running.catch(() => this.running.delete(slug));
    }
    return running;
  }

  private boot(slug: string, entry: string): Promise<RunningFunction> {
    const started = startFunctionProcess({
      entry,
      env: this.options.env,
      denoConfig: this.options.denoConfig,
      log: this.options.logOutput ? (line) => process.stderr.write(`[fn:${slug}] ${line}\n`) : undefined,
    });
    this.children.add(started.child);
    started.child.on('exit', () => {
      this.children.delete(started.child);
      this.running.delete(slug);
    });
    return started.listening.then((port) => ({ child: started.child, port }));
  }

  /** Process id of a running function, or undefined when it has not started (or failed to). */
  async processId(slug: string): Promise<number | undefined> {
    const running = this.running.get(slug);
    return running ? (await running.catch(() => undefined))?.child.pid : undefined;
  }

  /** Stops every function process; the next request to a function starts it again, cold. */
  async stop(): Promise<void> {
    const exits = [...this.children].map(
      (child) =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          child.once('exit', () => done());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 2000).unref();
        }),
    );
    await Promise.all(exits);
  }
}

export interface FunctionProcessOptions {
  /** The function's entry module (it calls Deno.serve). */
  entry: string;
  env: Record<string, string>;
  /** deno.json (import map, nodeModulesDir); none means `--no-config`. */
  denoConfig?: string;
  /** Receives the function's stdout and stderr, line by line. */
  log?: (line: string) => void;
}

/**
 * Runs one function in its own Deno process under deno-function-host.ts, with only PATH, HOME and
 * DENO_DIR of this process's environment plus `env`, as the hosted runtime gives a function only its
 * own settings. `listening` resolves with the port once the function's Deno.serve listens.
 */
export function startFunctionProcess(options: FunctionProcessOptions): { child: ChildProcess; listening: Promise<number> } {
  const args = ['run', '--allow-all', '--no-prompt'];
  args.push(...(options.denoConfig ? ['--config', options.denoConfig] : ['--no-config']));
  args.push(hostPath);
  const child = spawn(denoBinary(), args, {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...(process.env.DENO_DIR ? { DENO_DIR: process.env.DENO_DIR } : {}),
      NO_COLOR: '1',
      ...options.env,
      STANDIN_FUNCTION_ENTRY: options.entry,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const listening = new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${options.entry} did not start listening within ${BOOT_TIMEOUT_MS} ms`));
      child.kill('SIGKILL');
    }, BOOT_TIMEOUT_MS);
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith(LISTENING_MARKER)) {
        clearTimeout(timer);
        resolvePort(Number(line.slice(LISTENING_MARKER.length).trim()));
      } else options.log?.(line);
    });
    createInterface({ input: child.stderr }).on('line', (line) => options.log?.(line));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${options.entry} exited (${signal ?? code}) before listening`));
    });
  });
  return { child, listening };
}
