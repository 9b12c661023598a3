// The chat requests of the contract, over the chat service.
import type { RequestHandlers } from '../ipc-contract.ts';
import type { ChatService } from './chat-service.ts';

type ChatChannels = `chat:${'open' | 'close' | 'send' | 'stop' | 'retry' | 'new-conversation'}`;

export function chatHandlers(chat: ChatService): Pick<RequestHandlers, ChatChannels> {
  return {
    'chat:open': ({ traceId }) => chat.open(traceId),
    'chat:close': () => chat.close(),
    'chat:send': ({ traceId, prompt }) => chat.send(traceId, prompt),
    'chat:stop': ({ turnId }) => chat.stop(turnId),
    'chat:retry': ({ turnId }) => chat.retry(turnId),
    'chat:new-conversation': ({ traceId }) => chat.newConversation(traceId),
  };
}
