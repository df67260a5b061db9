import type { FastifyRequest } from "fastify";
import type { MessagesResult, StreamEvent, Usage } from "../dialects/anthropic-messages/index.js";
import { toAnthropicError, toChatUsage } from "../dialects/anthropic-messages/index.js";
import { encodeSseEvent } from "../http/sse/index.js";
import type { Usage as ChatUsage } from "../openai/types.js";
import { chunkBatches } from "../sdk/chunk-batches.js";
import { LAST_BATCH, RAW_JSON } from "../sdk/types.js";
import { toLlmgateError } from "./hooks/errors.js";
import type { SseWriter } from "./sse-writer.js";

export interface MessagesRelayResult {
  /** In chat's form (spend and token limits count it so). */
  usage: ChatUsage | undefined;
  responseId: string | undefined;
  status: number;
  errorCode: string | undefined;
}

type EventStream = (MessagesResult & { kind: "stream" })["stream"];

/** Anthropic sends usage in message_start (input, cache) and message_delta (output, at times all). */
function mergeUsage(into: Partial<Usage>, usage: Partial<Usage> | undefined): void {
  if (usage === undefined || usage === null) return;
  for (const [name, value] of Object.entries(usage))
    if (value !== null && value !== undefined) into[name] = value;
}

/**
 * Relays Anthropic events as `event: <type>` + `data:` (the event's own text when it came so), one
 * socket write per upstream read, reading usage on the way. An error after the first byte is one
 * Anthropic `error` event, and the stream ends.
 */
export async function relayMessagesStream(
  stream: EventStream,
  writer: SseWriter,
  end: () => void,
  request: FastifyRequest,
  bodyLimitBytes: number,
): Promise<MessagesRelayResult> {
  const result: MessagesRelayResult = {
    usage: undefined,
    responseId: undefined,
    status: 200,
    errorCode: undefined,
  };
  const usage: Partial<Usage> = {};
  let hasUsage = false;
  const batches = chunkBatches(stream);
  let isEnded = false;
  try {
    for await (const batch of { [Symbol.asyncIterator]: () => batches }) {
      if (isEnded) continue;
      if (!writer.isOpen) break;
      let text = "";
      for (const event of batch as StreamEvent[]) {
        if (event.type === "message_start") {
          result.responseId = event.message.id;
          mergeUsage(usage, event.message.usage);
          hasUsage = true;
        } else if (event.type === "message_delta") {
          mergeUsage(usage, event.usage);
          hasUsage = true;
        }
        const raw = (event as { [RAW_JSON]?: string })[RAW_JSON];
        text += encodeSseEvent(raw ?? JSON.stringify(event), event.type);
      }
      if (text !== "") await writer.write(text);
      if ((batch as { [LAST_BATCH]?: true })[LAST_BATCH] === true) {
        isEnded = true;
        end();
      }
    }
    if (!isEnded && !writer.isOpen) {
      result.status = 499;
      result.errorCode = "client_closed_request";
    } else if (!isEnded) end();
  } catch (error) {
    if (!isEnded) {
      const mapped = toLlmgateError(error, bodyLimitBytes);
      result.status = writer.isOpen ? mapped.status : 499;
      result.errorCode = writer.isOpen ? (mapped.code ?? undefined) : "client_closed_request";
      if (writer.isOpen) {
        request.log.warn({ status: mapped.status, message: mapped.message }, "upstream stream failed");
        await writer.write(encodeSseEvent(JSON.stringify(toAnthropicError(mapped).body), "error"));
        end();
      }
    }
  }
  result.usage = hasUsage ? toChatUsage(usage) : undefined;
  return result;
}
