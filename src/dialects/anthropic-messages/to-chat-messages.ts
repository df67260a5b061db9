import type { ChatMessage, ContentPart, ToolCall } from "../../openai/types.js";
import type {
  ContentBlockParam,
  DocumentBlockParam,
  ImageBlockParam,
  MessageParam,
  TextBlockParam,
  ToolResultBlockParam,
} from "./wire.js";

/** Anthropic image source -> a chat `image_url` part (a data URL for base64 images). */
function toImagePart(block: ImageBlockParam): ContentPart | undefined {
  const { source } = block;
  if (source.type === "base64" && typeof source.data === "string") {
    const mediaType = source.media_type ?? "image/png";
    return { type: "image_url", image_url: { url: `data:${mediaType};base64,${source.data}` } };
  }
  if (source.type === "url" && typeof source.url === "string") {
    return { type: "image_url", image_url: { url: source.url } };
  }
  return undefined;
}

function textPart(text: string): ContentPart {
  return { type: "text", text };
}

/**
 * A document as far as chat can carry it: a base64 PDF as a `file` part, plain text and content
 * documents as text, a URL as a text naming it (chat has no part that fetches a document).
 */
function toDocumentParts(block: DocumentBlockParam): ContentPart[] {
  const { source } = block;
  const title = typeof block.title === "string" && block.title !== "" ? `${block.title}\n` : "";
  if (source.type === "base64" && typeof source.data === "string") {
    const mediaType = source.media_type ?? "application/pdf";
    const filename = title === "" ? "document.pdf" : block.title;
    return [{ type: "file", file: { filename, file_data: `data:${mediaType};base64,${source.data}` } }];
  }
  if (source.type === "text" && typeof source.data === "string") return [textPart(title + source.data)];
  if (source.type === "url" && typeof source.url === "string")
    return [textPart(`${title}Document: ${source.url}`)];
  if (source.type === "content") {
    const content = source.content;
    if (typeof content === "string") return [textPart(title + content)];
    if (Array.isArray(content)) return content.flatMap((inner) => toUserParts(inner));
  }
  return [];
}

/** One user block -> chat parts; blocks chat cannot take (thinking, server tool blocks) -> none. */
function toUserParts(block: ContentBlockParam): ContentPart[] {
  switch (block.type) {
    case "text":
      return [textPart((block as TextBlockParam).text)];
    case "image": {
      const part = toImagePart(block as ImageBlockParam);
      return part === undefined ? [] : [part];
    }
    case "document":
      return toDocumentParts(block as DocumentBlockParam);
    default:
      return [];
  }
}

/** Text parts as one string (what every chat server takes); other parts keep the array form. */
function compactContent(parts: ContentPart[]): string | ContentPart[] {
  if (parts.every((part) => part.type === "text")) return parts.map((part) => part.text as string).join("\n");
  return parts;
}

/** A tool_result -> a `tool` message (text only), and its images for the user message after it. */
function toToolMessage(block: ToolResultBlockParam): { message: ChatMessage; images: ContentPart[] } {
  const parts =
    typeof block.content === "string"
      ? [textPart(block.content)]
      : (block.content ?? []).flatMap(toUserParts);
  const texts = parts.filter((part) => part.type === "text").map((part) => part.text as string);
  const images = parts.filter((part) => part.type !== "text");
  const text = texts.join("\n");
  return {
    message: {
      role: "tool",
      tool_call_id: block.tool_use_id,
      content: block.is_error === true ? `Error: ${text}` : text,
    },
    images,
  };
}

/** A user turn: tool results first (each a `tool` message, as chat wants them right after the call), then the rest. */
function toUserMessages(content: ContentBlockParam[]): ChatMessage[] {
  const messages: ChatMessage[] = [];
  const parts: ContentPart[] = [];
  for (const block of content) {
    if (block.type === "tool_result") {
      const { message, images } = toToolMessage(block as ToolResultBlockParam);
      messages.push(message);
      parts.push(...images);
    } else parts.push(...toUserParts(block));
  }
  if (parts.length > 0) messages.push({ role: "user", content: compactContent(parts) });
  return messages;
}

/** An assistant turn: text as content, tool_use as tool_calls, thinking as `reasoning_content`. */
function toAssistantMessage(content: ContentBlockParam[]): ChatMessage {
  const texts: string[] = [];
  const thinking: string[] = [];
  const toolCalls: ToolCall[] = [];
  for (const block of content) {
    if (block.type === "text") texts.push((block as TextBlockParam).text);
    else if (block.type === "thinking" && typeof block.thinking === "string") thinking.push(block.thinking);
    else if (block.type === "tool_use") {
      const input = block.input ?? {};
      toolCalls.push({
        id: String(block.id),
        type: "function",
        function: { name: String(block.name), arguments: JSON.stringify(input) },
      });
    }
  }
  const message: ChatMessage = { role: "assistant", content: texts.length === 0 ? null : texts.join("") };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (thinking.length > 0) message.reasoning_content = thinking.join("");
  return message;
}

/** System text: a string, or text blocks joined (cache_control has no chat equivalent). */
export function systemText(system: string | TextBlockParam[] | ContentBlockParam[]): string {
  if (typeof system === "string") return system;
  return system
    .filter((block): block is TextBlockParam => block.type === "text" && typeof block.text === "string")
    .map((block) => block.text)
    .join("\n\n");
}

/** Anthropic `messages` -> chat messages (a `role: "system"` message, as Claude Code sends, stays a system message). */
export function toChatMessages(messages: readonly MessageParam[]): ChatMessage[] {
  const result: ChatMessage[] = [];
  for (const message of messages) {
    const content = message.content;
    if (message.role === "system") {
      result.push({ role: "system", content: systemText(content) });
    } else if (typeof content === "string") {
      result.push({ role: message.role, content });
    } else if (message.role === "assistant") {
      result.push(toAssistantMessage(content));
    } else {
      result.push(...toUserMessages(content));
    }
  }
  return result;
}
