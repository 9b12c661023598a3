// `npm run standin -- [--port N] [--model-url URL] [--model NAME] [--scripted-model]`: the Supabase
// stand-in for local development, with the edge functions pointed at a model. Prints what a client
// needs (URL, anon key, chat socket URL) and a one-line example, then serves until Ctrl-C.
//   --model-url URL    an OpenAI-compatible endpoint (OPENAI_BASE_URL), e.g. a local server
//   --model NAME       the model to ask (AI_MODEL)
//   --scripted-model   start the scripted model (test-support/scripted-model) and use it: no AI is
//                      called; each answer says what the function sent it
// OPENAI_* and AI_* variables in this environment reach the functions as they are (functions/README.md).
import { parseArgs } from 'node:util';
import { startScriptedModel, textResponse, type RecordedRequest, type ScriptedModelServer } from '../scripted-model/scripted-model-server.ts';
import { startSupabaseStandin } from './index.ts';

const usage = 'Usage: npm run standin -- [--port N] [--model-url URL] [--model NAME] [--scripted-model]';
/** Supabase's own local API port (`supabase start`), so the URL stays the same between runs. */
const DEFAULT_PORT = 54321;

function parseOptions() {
  try {
    return parseArgs({
      options: {
        port: { type: 'string' },
        'model-url': { type: 'string' },
        model: { type: 'string' },
        'scripted-model': { type: 'boolean' },
      },
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
}
const options = parseOptions();
const port = options.port === undefined ? DEFAULT_PORT : Number(options.port);
if (!Number.isInteger(port) || (options['scripted-model'] && options['model-url'])) {
  console.error(`${options['model-url'] ? '--model-url and --scripted-model exclude each other.\n' : ''}${usage}`);
  process.exit(2);
}

/** The scripted model's answer: it names the question and the start of the trace data it was given. */
function scriptedAnswer(request: RecordedRequest) {
  const messages = request.body.messages ?? [];
  const question = String(messages.at(-1)?.content ?? '');
  const system = String(messages[0]?.content ?? '');
  const data = system.slice(system.lastIndexOf('<trace-data')).split('\n').slice(1, 4).join(' / ');
  const text =
    `(Scripted model: no AI was called.) You asked: "${question.slice(0, 200)}". ` +
    `The function sent ${messages.length} messages; the trace data begins: ${data.slice(0, 300)}`;
  return textResponse(text, { chunkSize: 6, delayMs: 25 });
}

async function modelEnvironment(): Promise<{ env: Record<string, string>; description: string; model?: ScriptedModelServer }> {
  // The functions' own settings, from this environment.
  const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => /^(OPENAI|AI)_/.test(e[0]) && e[1] !== undefined));
  if (options['scripted-model']) {
    const model = await startScriptedModel();
    model.setFallback(scriptedAnswer);
    Object.assign(env, { OPENAI_BASE_URL: model.baseURL, OPENAI_API_KEY: 'scripted', AI_MODEL: options.model ?? 'scripted-model' });
    return { env, description: `scripted model at ${model.baseURL} (no AI is called)`, model };
  }
  if (options['model-url']) env.OPENAI_BASE_URL = options['model-url'];
  if (options.model) env.AI_MODEL = options.model;
  // Local OpenAI-compatible servers ignore the key, but the function requires one.
  if (options['model-url'] && !env.OPENAI_API_KEY) env.OPENAI_API_KEY = 'not-needed';
  if (!env.OPENAI_API_KEY) {
    return { env, description: 'none: set OPENAI_API_KEY, or pass --model-url URL or --scripted-model (answers fail until then)' };
  }
  return { env, description: `${env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1'}, model ${env.AI_MODEL ?? 'gpt-4o-mini'}` };
}

const model = await modelEnvironment();
const standin = await startSupabaseStandin({
  port,
  functionEnv: model.env,
  onEmail: (email) => console.log(`Email to ${email.to}: sign-in code ${email.code}`),
});
const socketUrl = standin.functionUrl('trace-analysis-socket').replace(/^http/, 'ws');
console.log(
  [
    `Supabase stand-in: ${standin.url}`,
    `  anon key:         ${standin.anonKey}`,
    `  chat socket:      ${socketUrl}`,
    `  model:            ${model.description}`,
    `  service role key: ${standin.serviceRoleKey}  (server side only)`,
    '',
    'Chat in the app (sign in with any email: the one-time code it is sent is printed here):',
    `  SUPABASE_URL=${standin.url} SUPABASE_ANON_KEY=${standin.anonKey} npm run serve -- <trace-file>`,
    'Or from a terminal (signs up you@example.com, uploads the summary, streams the answer):',
    `  npm run cloud-chat -- --url ${standin.url} --anon-key ${standin.anonKey} <trace-file> "Where does the time go?"`,
    '',
    'Ctrl-C stops it.',
  ].join('\n'),
);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    void Promise.all([standin.stop(), model.model?.stop()]).then(() => process.exit(0));
  });
}
