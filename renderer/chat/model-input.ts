// What the model received for one answer, as the user can inspect it: the
// trace summary text, then each tool call of the turn (its name, its
// arguments, the result text exactly as it went back to the model). Parts
// for the dialog to show and one plain text for the clipboard, from the same
// data so what is copied is what is shown.
import type { ChatToolStep } from '../../electron/ipc-contract.ts';

export interface ModelInputPart {
  /** Stable key and test hook: "summary", "<callId>:arguments", "<callId>:result". */
  key: string;
  heading: string;
  text: string;
}

export interface ModelInputCall {
  callId: string;
  heading: string;
  arguments: ModelInputPart;
  result: ModelInputPart;
}

export interface ModelInput {
  summary: ModelInputPart;
  calls: ModelInputCall[];
}

const NO_SUMMARY = '(The summary of this trace is not available: it is still being computed, or could not be.)';
const NO_RESULT = '(No result: the call did not finish, so the model received nothing for it.)';

export function modelInput(summaryText: string | null, steps: ChatToolStep[] | undefined): ModelInput {
  return {
    summary: { key: 'summary', heading: 'Trace summary', text: summaryText ?? NO_SUMMARY },
    calls: (steps ?? []).flatMap((step) =>
      step.calls.map((call) => ({
        callId: call.callId,
        heading: `Step ${step.step} · ${call.name}`,
        arguments: { key: `${call.callId}:arguments`, heading: 'Arguments', text: prettyArguments(call.arguments) },
        result: { key: `${call.callId}:result`, heading: call.ok === false ? 'Result (the call failed)' : 'Result', text: call.result ?? NO_RESULT },
      })),
    ),
  };
}

/** The arguments as indented JSON; text that is not JSON (the model wrote it badly) as it was written. */
export function prettyArguments(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** Everything shown, as one text: headings as Markdown-ish lines, each part verbatim below its heading. */
export function modelInputText(input: ModelInput): string {
  const blocks = [`## ${input.summary.heading}\n\n${input.summary.text}`];
  for (const call of input.calls) {
    blocks.push(`## ${call.heading}\n\n### ${call.arguments.heading}\n\n${call.arguments.text}\n\n### ${call.result.heading}\n\n${call.result.text}`);
  }
  return blocks.join('\n\n');
}
