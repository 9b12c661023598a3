// A release feed laid out as electron-builder publishes it for Linux
// (latest-linux.yml + the AppImage), served over HTTP on 127.0.0.1 with every
// request counted, and electron-updater's real AppImageUpdater reading it as a
// packaged 0.1.0 would. Only what needs Electron is replaced: the AppAdapter
// (version, folders), the HTTP client (Electron's net), and quitAndInstall, the
// boundary where the app would quit into the new version (counted).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, request, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DownloadOptions } from 'builder-util-runtime';
import type { AppAdapter } from 'electron-updater/out/AppAdapter.js';
import type { TestContext } from 'vitest';

const require = createRequire(import.meta.url);
const { AppImageUpdater } = require('electron-updater') as typeof import('electron-updater');
const { HttpExecutor, configureRequestOptions, configureRequestUrl } = require('builder-util-runtime') as typeof import('builder-util-runtime');
const { serializeToYaml } = require('builder-util/out/util.js') as { serializeToYaml(value: unknown): string };

export const CURRENT_VERSION = '0.1.0';
export const ARTIFACT = (version: string) => `Trace-Analyser-${version}-x86_64.AppImage`;
// electron-builder names the Linux feed by architecture; electron-updater asks for the same name.
export const FEED_FILE = `latest-linux${process.arch === 'x64' ? '' : `-${process.arch}`}.yml`;

/**
 * Node's http for the updater's requests where the app has Electron's net
 * (ElectronHttpExecutor); download() as ElectronHttpExecutor's, so the
 * base class's streaming and sha512 check do the work. No proxy: loopback only.
 */
class LoopbackHttpExecutor extends HttpExecutor<ClientRequest> {
  createRequest(options: RequestOptions, callback: (response: IncomingMessage) => void): ClientRequest {
    return request(options, callback);
  }

  download(url: URL, destination: string, options: DownloadOptions): Promise<string> {
    return options.cancellationToken.createPromise<string>((resolve, reject, onCancel) => {
      const requestOptions: RequestOptions = { headers: options.headers ?? undefined };
      configureRequestUrl(url, requestOptions);
      configureRequestOptions(requestOptions);
      this.doDownload(
        requestOptions,
        { destination, options, onCancel, callback: (error) => (error ? reject(error) : resolve(destination)), responseHandler: null },
        0,
      );
    });
  }
}

/** Stands in for Electron's app: version 0.1.0, packaged, its folders in a temp dir. */
class TestAppAdapter implements AppAdapter {
  readonly version = CURRENT_VERSION;
  readonly name = 'Trace Analyser';
  readonly isPackaged = true;
  readonly appUpdateConfigPath: string;
  readonly userDataPath: string;
  readonly baseCachePath: string;
  constructor(dir: string) {
    this.appUpdateConfigPath = join(dir, 'resources', 'app-update.yml');
    this.userDataPath = join(dir, 'userData');
    this.baseCachePath = join(dir, 'cache');
  }
  whenReady = () => Promise.resolve();
  relaunch() {}
  quit() {}
  onQuit() {}
}

/** The real AppImage updater; quitAndInstall (Electron quits into the new AppImage) is only counted. */
export class RecordingAppImageUpdater extends AppImageUpdater {
  installs = 0;
  override quitAndInstall(): void {
    this.installs++;
  }
}

/** Publishes `version` the way electron-builder does: the AppImage and latest-linux.yml naming it with its sha512 and size. */
function publish(feedDir: string, version: string, options: { wrongSha512?: boolean; releaseNotes?: string } = {}): Buffer {
  const artifact = Buffer.from(`#!/bin/sh\n# Trace Analyser ${version}\n`.padEnd(4096, '.'));
  writeFileSync(join(feedDir, ARTIFACT(version)), artifact);
  const sha512 = createHash('sha512')
    .update(options.wrongSha512 ? Buffer.from('something else') : artifact)
    .digest('base64');
  const info = {
    version,
    files: [{ url: ARTIFACT(version), sha512, size: artifact.length }],
    path: ARTIFACT(version),
    sha512,
    releaseDate: '2026-12-01T10:00:00.000Z',
    ...(options.releaseNotes && { releaseNotes: options.releaseNotes }),
  };
  writeFileSync(join(feedDir, FEED_FILE), serializeToYaml(info));
  return artifact;
}

/** Serves the feed folder, counting every request. */
async function serveFeed(t: Pick<TestContext, 'onTestFinished'>, feedDir: string) {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url!, 'http://feed').pathname;
    requests.push(path);
    const file = join(feedDir, decodeURIComponent(path));
    if (!existsSync(file)) return void res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, requests, server };
}

export interface FeedOptions {
  /** The version on the feed (default 0.2.0); null: no feed file at all. */
  publishVersion?: string | null;
  wrongSha512?: boolean;
  releaseNotes?: string;
}

/** A packaged app at 0.1.0 whose app-update.yml points at a feed this serves, and its updater. */
export async function startUpdateFeed(t: Pick<TestContext, 'onTestFinished'>, options: FeedOptions = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'ta-update-'));
  const feedDir = join(dir, 'feed');
  mkdirSync(feedDir);
  mkdirSync(join(dir, 'resources'));
  const artifact = options.publishVersion === null ? null : publish(feedDir, options.publishVersion ?? '0.2.0', options);
  const feed = await serveFeed(t, feedDir);
  const app = new TestAppAdapter(dir);
  // What electron-builder writes into a package (generic provider here, github in releases).
  writeFileSync(app.appUpdateConfigPath, serializeToYaml({ provider: 'generic', url: feed.url, updaterCacheDirName: 'trace-analyser-updater' }));
  // AppImageUpdater replaces the running AppImage ($APPIMAGE); this process is none.
  process.env.APPIMAGE = join(dir, ARTIFACT(CURRENT_VERSION));
  writeFileSync(process.env.APPIMAGE, 'the running version');

  const updater = new RecordingAppImageUpdater(null, app);
  (updater as unknown as { httpExecutor: LoopbackHttpExecutor }).httpExecutor = new LoopbackHttpExecutor();
  updater.logger = null;
  // The fake running AppImage has no embedded blockmap to diff against: download the whole file.
  updater.disableDifferentialDownload = true;
  return { dir, updater, feed, artifact };
}

/** The updates downloaded and kept for install (electron-updater's pending folder). */
export function downloadedFiles(dir: string): string[] {
  const cache = join(dir, 'cache', 'trace-analyser-updater', 'pending');
  return existsSync(cache) ? readdirSync(cache) : [];
}
