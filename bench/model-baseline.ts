// The baseline the chat benches subtract: the scripted model reached
// directly with the openai client, from the request to the first streamed
// delta, so what a path adds over the model's own latency can be reported.
import OpenAI from 'openai';

export async function directModelFirstDeltaMs(baseURL: string, turns: number): Promise<number[]> {
  const client = new OpenAI({ baseURL, apiKey: 'scripted-key', maxRetries: 0 });
  const times: number[] = [];
  for (let i = 0; i < turns; i++) {
    const started = performance.now();
    const stream = await client.chat.completions.create({ model: 'scripted-model', stream: true, messages: [{ role: 'user', content: `baseline ${i}` }] });
    let first = 0;
    for await (const chunk of stream) if (!first && chunk.choices[0]?.delta.content) first = performance.now();
    times.push(first - started);
  }
  return times;
}
