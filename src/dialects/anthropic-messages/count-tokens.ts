import { countMessageTokens, countTokens } from "../../spend/tokens.js";
import { toChatRequest } from "./to-chat-request.js";
import type { MessagesRequest } from "./wire.js";

/**
 * `/v1/messages/count_tokens`: the request's input tokens, estimated with llmgate's tokenizer
 * (messages and system as chat counts them, plus each tool's definition).
 */
export async function countMessagesTokens(request: MessagesRequest): Promise<number> {
  const chat = toChatRequest({ ...request, stream: false });
  const options = { model: request.model };
  let total = await countMessageTokens(chat.messages, options);
  for (const tool of (chat.tools ?? []) as unknown[])
    total += await countTokens(JSON.stringify(tool), options);
  return total;
}
