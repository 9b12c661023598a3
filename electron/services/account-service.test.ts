// The account against the Supabase stand-in (real GoTrue-like Auth, real
// tokens), with supabase-js as the app runs it and the real secret store.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, test } from 'vitest';
import { decodeJwt } from 'jose';
import { startSupabaseStandin, type SupabaseStandin } from '../../test-support/supabase-standin/index.ts';
import { AccountService } from './account-service.ts';
import { AppSettings, type Environment } from './app-settings.ts';
import { fileKeyEncryption } from './file-key-encryption.ts';
import { SecretStore } from './secret-store.ts';

let standin: SupabaseStandin;
const services: AccountService[] = [];

beforeAll(async () => {
  // Tokens live 2 s (a project's default is an hour), so refreshing is seen within a test.
  standin = await startSupabaseStandin({ jwtExpirySeconds: 2, logFunctionOutput: false });
});
afterAll(async () => {
  await Promise.all(services.map((s) => s.dispose()));
  await standin.stop();
});

/** An app's account as it starts: settings from the environment, secrets in its data folder. */
async function startAccount(dir = mkdtempSync(join(tmpdir(), 'ta-account-')), env?: Environment) {
  const secrets = new SecretStore(join(dir, 'secrets.json'), await fileKeyEncryption(join(dir, 'secrets.key')));
  const settings = await AppSettings.open({ userDataDir: dir, secrets, env: env ?? { SUPABASE_URL: standin.url, SUPABASE_ANON_KEY: standin.anonKey } });
  const account = await AccountService.start({ settings, secrets });
  services.push(account);
  return { dir, settings, account };
}

test('password sign-in: the session is stored encrypted, restored after a restart, and ended by sign-out', async () => {
  await standin.createUser('ada@example.com', 'analytical-engine');
  const { dir, account } = await startAccount();
  assert.deepEqual(account.state(), { status: 'signed-out', supabaseUrl: standin.url });
  const seen: string[] = [];
  account.onStateChange((state) => seen.push(state.status));

  const state = await account.signIn('ada@example.com', 'analytical-engine');
  assert.equal(state.status, 'signed-in');
  assert.ok(state.status === 'signed-in' && state.email === 'ada@example.com');
  assert.deepEqual(seen, ['signed-in']);
  const token = await account.accessToken();
  const userId = account.userId();
  assert.equal(decodeJwt(token!).sub, account.userId());
  const onDisk = readFileSync(join(dir, 'secrets.json'), 'utf8');
  assert.ok(!onDisk.includes(token!.split('.')[1]), 'no token in plain text on disk');
  // The client is really signed in: RLS lets it read its own (empty) rows.
  const { error } = await account.client()!.from('traces').select('id');
  assert.equal(error, null);

  await account.dispose();
  const { account: restarted } = await startAccount(dir);
  assert.equal(restarted.state().status, 'signed-in', 'the stored session is restored');
  assert.equal(restarted.userId(), userId);

  assert.equal((await restarted.signOut()).status, 'signed-out');
  assert.equal(restarted.client(), null);
  await restarted.dispose();
  const { account: again } = await startAccount(dir);
  assert.equal(again.state().status, 'signed-out', 'sign-out removed the stored session');
});

test('an expired access token is refreshed before it is handed out', async () => {
  await standin.createUser('grace@example.com', 'compiler-1952');
  const { account } = await startAccount();
  await account.signIn('grace@example.com', 'compiler-1952');
  const first = decodeJwt((await account.accessToken())!);
  await new Promise((resolve) => setTimeout(resolve, 2500));
  const second = decodeJwt((await account.accessToken())!);
  assert.ok(second.iat! > first.iat!, 'a new token was issued');
  assert.ok(second.exp! * 1000 > Date.now(), 'the token handed out is valid');
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const forced = await account.refreshedAccessToken();
  assert.ok(decodeJwt(forced!).iat! > second.iat!);
  const response = await fetch(`${standin.url}/auth/v1/user`, { headers: { apikey: standin.anonKey, authorization: `Bearer ${forced}` } });
  assert.equal(response.status, 200);
});

test('email one-time code: the code from the email signs in (creating the account); a wrong code is refused', async () => {
  const { account } = await startAccount();
  await account.sendCode('katherine@example.com');
  const email = standin.mailbox.findLast((m) => m.to === 'katherine@example.com');
  assert.ok(email, 'a code was emailed');
  const wrong = email.code === '000000' ? '111111' : '000000';
  await assert.rejects(account.verifyCode('katherine@example.com', wrong), /expired or is invalid/);
  const state = await account.verifyCode('katherine@example.com', email.code);
  assert.ok(state.status === 'signed-in' && state.email === 'katherine@example.com');
  await assert.rejects(account.verifyCode('katherine@example.com', email.code), /expired or is invalid/, 'a code works once');
});

test('wrong credentials and an unreachable project are sentences for the user', async () => {
  const { account } = await startAccount();
  await assert.rejects(account.signIn('nobody@example.com', 'guess'), /Invalid login credentials/);
  const { account: offline } = await startAccount(undefined, { SUPABASE_URL: 'http://127.0.0.1:9', SUPABASE_ANON_KEY: standin.anonKey });
  await assert.rejects(offline.signIn('ada@example.com', 'x'), /Could not reach the Supabase project at http:\/\/127\.0\.0\.1:9/);
});

test("the project follows settings: cleared is unconfigured, set again restores that project's session", async () => {
  await standin.createUser('barbara@example.com', 'liskov-substitution');
  const { account, settings } = await startAccount(undefined, {});
  assert.deepEqual(account.state(), { status: 'unconfigured' });
  await assert.rejects(account.signIn('barbara@example.com', 'x'), /No Supabase project is configured/);
  const changes: number[] = [];
  account.onChange(() => changes.push(changes.length));

  await settings.save({ supabaseUrl: standin.url, supabaseAnonKey: standin.anonKey });
  await waitFor(() => account.state().status === 'signed-out');
  await account.signIn('barbara@example.com', 'liskov-substitution');
  const userId = account.userId();
  assert.equal(changes.length, 1, 'CloudSession users heard of the sign-in');

  await settings.save({ supabaseUrl: '' });
  await waitFor(() => changes.length === 2);
  assert.equal(account.state().status, 'unconfigured');
  assert.equal(account.client(), null);

  await settings.save({ supabaseUrl: standin.url });
  await waitFor(() => account.state().status === 'signed-in');
  assert.equal(account.userId(), userId);
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
