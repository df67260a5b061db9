import { BadRequestError } from "../../errors/index.js";
import type { ChatMessage, ContentPart, ToolCall } from "../../openai/types.js";
import { BEDROCK_PROVIDER_ID } from "./api.js";
import { CACHE_POINT, type ContentContext, toContentBlocks, toSystemBlocks } from "./chat-content.js";
import type { ConverseContentBlock, ConverseMessage, ConverseRole, ConverseSystemBlock } from "./wire.js";
import { isRecord } from "./wire.js";

export interface ConverseConversation {
  system: ConverseSystemBlock[];
  messages: ConverseMessage[];
}

function refuse(message: string): BadRequestError {
  return new BadRequestError({ message, param: "messages", provider: BEDROCK_PROVIDER_ID });
}

function hasCacheControl(message: ChatMessage): boolean {
  return message.cache_control !== undefined && message.cache_control !== null;
}

function toToolInput(call: ToolCall): unknown {
  const text = call.function?.arguments ?? "";
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw refuse(`the arguments of tool call ${call.id} are not JSON: ${text.slice(0, 100)}`);
  }
}

/** LiteLLM's `thinking_blocks` on an assistant message (Claude needs them back with tool use). */
function toReasoningBlocks(message: ChatMessage): ConverseContentBlock[] {
  const blocks = Array.isArray(message.thinking_blocks) ? message.thinking_blocks : [];
  const reasoning: ConverseContentBlock[] = [];
  for (const block of blocks) {
    if (!isRecord(block)) continue;
    if (block.type === "thinking" && typeof block.thinking === "string") {
      const signature = typeof block.signature === "string" ? { signature: block.signature } : {};
      reasoning.push({ reasoningContent: { reasoningText: { text: block.thinking, ...signature } } });
    } else if (block.type === "redacted_thinking" && typeof block.data === "string") {
      reasoning.push({ reasoningContent: { redactedContent: block.data } });
    }
  }
  return reasoning;
}

function assistantBlocks(message: ChatMessage, context: ContentContext): ConverseContentBlock[] {
  const blocks = [...toReasoningBlocks(message), ...toContentBlocks(message.content, context)];
  for (const call of message.tool_calls ?? []) {
    if (!isRecord(call) || !isRecord(call.function) || typeof call.function.name !== "string")
      throw refuse("an assistant tool call needs a function name");
    blocks.push({ toolUse: { toolUseId: call.id, name: call.function.name, input: toToolInput(call) } });
  }
  return blocks;
}

/** A tool message -> a toolResult block (in a user turn); an empty result still says so. */
function toolResultBlock(message: ChatMessage, context: ContentContext): ConverseContentBlock {
  if (typeof message.tool_call_id !== "string" || message.tool_call_id === "")
    throw refuse("a tool message needs the tool_call_id it answers");
  const content = toContentBlocks(
    message.content as string | ContentPart[] | null | undefined,
    context,
  ).filter((block) => !("cachePoint" in block));
  return {
    toolResult: {
      toolUseId: message.tool_call_id,
      content: content.length > 0 ? content : [{ text: "(no output)" }],
    },
  };
}

function turnOf(
  message: ChatMessage,
  context: ContentContext,
): { role: ConverseRole; blocks: ConverseContentBlock[] } {
  switch (message.role) {
    case "user":
      return { role: "user", blocks: toContentBlocks(message.content, context) };
    case "assistant":
      return { role: "assistant", blocks: assistantBlocks(message, context) };
    case "tool":
      return { role: "user", blocks: [toolResultBlock(message, context)] };
    case "system":
    case "developer":
      // Only where the model takes no system prompt (supports_system_message: false).
      return { role: "user", blocks: toContentBlocks(message.content, context) };
    default:
      throw refuse(`bedrock cannot take a message with role ${JSON.stringify(message.role)}`);
  }
}

/**
 * OpenAI messages -> Converse's `system` and `messages`: system and developer messages become the
 * system prompt (or user turns when the model takes none), tool results user turns with toolResult
 * blocks, assistant tool calls toolUse blocks; consecutive turns of one role are merged, as Converse
 * wants roles to alternate. `cache_control` on a message adds a cache point after its content.
 */
export function toConverseConversation(
  messages: readonly ChatMessage[],
  supportsSystemMessage: boolean,
): ConverseConversation {
  const system: ConverseSystemBlock[] = [];
  const turns: ConverseMessage[] = [];
  const context: ContentContext = { documentCount: 0 };
  for (const message of messages) {
    if (!isRecord(message)) throw refuse("a message must be an object");
    const isSystem = message.role === "system" || message.role === "developer";
    if (isSystem && supportsSystemMessage) {
      system.push(...toSystemBlocks(message.content));
      if (hasCacheControl(message)) system.push(CACHE_POINT);
      continue;
    }
    const { role, blocks } = turnOf(message, context);
    if (hasCacheControl(message) && blocks.length > 0) blocks.push(CACHE_POINT);
    if (blocks.length === 0) continue;
    const last = turns.at(-1);
    if (last !== undefined && last.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  }
  return { system, messages: turns };
}

/** Whether the conversation holds tool blocks: Converse then wants a toolConfig. */
export function hasToolBlocks(messages: readonly ConverseMessage[]): boolean {
  return messages.some((message) =>
    message.content.some((block) => "toolUse" in block || "toolResult" in block),
  );
}
