import { BadRequestError } from "../../errors/index.js";
import type { ChatMessage } from "../../openai/types.js";
import type { TransformSettings } from "../types.js";
import { contentBlocksOf, systemTextsOf } from "./chat-content.js";
import {
  type AnthropicContentBlock,
  type AnthropicMessage,
  type AnthropicTextBlock,
  type AnthropicToolResultBlock,
  isRecord,
} from "./wire.js";

/** What Anthropic takes from OpenAI's `messages`: the system prompt apart, and alternating turns. */
export interface AnthropicConversation {
  system: AnthropicTextBlock[];
  messages: AnthropicMessage[];
}

function invalidMessage(param: string, what: string): BadRequestError {
  return new BadRequestError({ message: `${param}: ${what}`, param, provider: "anthropic" });
}

/** A tool call's `arguments` (a JSON string) -> the tool_use `input` object; "" is `{}`. */
function parseArguments(text: unknown, param: string): unknown {
  if (text === undefined || text === null || text === "") return {};
  if (typeof text !== "string") return text;
  try {
    return JSON.parse(text);
  } catch {
    throw invalidMessage(param, "the tool call's arguments are not JSON");
  }
}

/**
 * Thinking blocks a client sends back (LiteLLM's `thinking_blocks` on an assistant message): with
 * their signatures they must precede the tool calls of that turn when thinking is on.
 */
function thinkingBlocksOf(message: ChatMessage): AnthropicContentBlock[] {
  const blocks = message.thinking_blocks;
  if (!Array.isArray(blocks)) return [];
  const kept: AnthropicContentBlock[] = [];
  for (const block of blocks) {
    if (!isRecord(block)) continue;
    if (
      block.type === "thinking" &&
      typeof block.thinking === "string" &&
      typeof block.signature === "string"
    ) {
      kept.push({ type: "thinking", thinking: block.thinking, signature: block.signature });
    } else if (block.type === "redacted_thinking" && typeof block.data === "string") {
      kept.push({ type: "redacted_thinking", data: block.data });
    }
  }
  return kept;
}

function assistantBlocksOf(message: ChatMessage, index: number): AnthropicContentBlock[] {
  const blocks = [...thinkingBlocksOf(message), ...contentBlocksOf(message, index)];
  const toolCalls = message.tool_calls;
  if (!Array.isArray(toolCalls)) return blocks;
  toolCalls.forEach((toolCall, callIndex) => {
    const param = `messages[${index}].tool_calls[${callIndex}]`;
    if (!isRecord(toolCall) || !isRecord(toolCall.function) || typeof toolCall.function.name !== "string") {
      throw invalidMessage(param, "a tool call needs an id and a function name");
    }
    blocks.push({
      type: "tool_use",
      id: typeof toolCall.id === "string" ? toolCall.id : `toolu_${index}_${callIndex}`,
      name: toolCall.function.name,
      input: parseArguments(toolCall.function.arguments, `${param}.function.arguments`),
    });
  });
  return blocks;
}

/** A `tool` message -> a `tool_result` block, which Anthropic takes in a user turn. */
function toolResultOf(message: ChatMessage, index: number): AnthropicToolResultBlock {
  if (typeof message.tool_call_id !== "string" || message.tool_call_id === "") {
    throw invalidMessage(
      `messages[${index}].tool_call_id`,
      "a tool message needs the tool_call_id it answers",
    );
  }
  const content =
    typeof message.content === "string" || message.content === undefined || message.content === null
      ? (message.content ?? "")
      : contentBlocksOf({ ...message, cache_control: undefined }, index);
  const block: AnthropicToolResultBlock = { type: "tool_result", tool_use_id: message.tool_call_id, content };
  if (isRecord(message.cache_control)) block.cache_control = message.cache_control;
  return block;
}

function turnOf(message: ChatMessage, index: number): AnthropicMessage {
  switch (message.role) {
    case "user":
      return { role: "user", content: contentBlocksOf(message, index) };
    case "system":
    case "developer":
      // Only with supports_system_message: false (otherwise the caller put it in `system`).
      return { role: "user", content: contentBlocksOf(message, index) };
    case "assistant":
      return { role: "assistant", content: assistantBlocksOf(message, index) };
    case "tool":
      return { role: "user", content: [toolResultOf(message, index)] };
    case "function": {
      // OpenAI's legacy function results carry no call id: Anthropic gets them as text.
      const text = typeof message.content === "string" ? message.content : "";
      const name = typeof message.name === "string" ? message.name : "function";
      return { role: "user", content: [{ type: "text", text: `${name} returned: ${text}` }] };
    }
    default:
      throw invalidMessage(`messages[${index}].role`, `unknown role "${String(message.role)}"`);
  }
}

/**
 * OpenAI messages -> Anthropic's `system` and `messages`. System and developer messages go to
 * `system` (wherever they stand), unless `supports_system_message` is false: then they are user
 * turns. Consecutive turns of one role are merged into one, since Anthropic wants them to alternate
 * (tool results and the user text after them form one user turn, results first).
 */
export function toAnthropicConversation(
  messages: readonly ChatMessage[],
  settings: TransformSettings,
): AnthropicConversation {
  const system: AnthropicTextBlock[] = [];
  const turns: AnthropicMessage[] = [];
  messages.forEach((message, index) => {
    if (!isRecord(message)) throw invalidMessage(`messages[${index}]`, "a message must be an object");
    const isSystem = message.role === "system" || message.role === "developer";
    if (isSystem && settings.supportsSystemMessage) {
      for (const block of systemTextsOf(message, index)) system.push(block as AnthropicTextBlock);
      return;
    }
    const turn = turnOf(message, index);
    const previous = turns.at(-1);
    if (previous !== undefined && previous.role === turn.role) previous.content.push(...turn.content);
    else turns.push(turn);
  });
  return { system, messages: turns };
}
