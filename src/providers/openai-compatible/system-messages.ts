import type { ChatMessage, ContentPart } from "../../openai/types.js";

function contentText(content: ChatMessage["content"]): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  const texts: string[] = [];
  for (const part of content) {
    if (part.type === "text" && typeof part.text === "string") texts.push(part.text);
  }
  return texts.join(" ");
}

function prependText(content: ChatMessage["content"], text: string): string | ContentPart[] {
  if (content === undefined || content === null) return text;
  if (typeof content === "string") return content === "" ? text : `${text} ${content}`;
  const [first, ...rest] = content;
  if (first !== undefined && first.type === "text" && typeof first.text === "string") {
    return [{ ...first, text: `${text} ${first.text}` }, ...rest];
  }
  return [{ type: "text", text }, ...content];
}

/**
 * For servers that reject the system role (`supports_system_message: false`): a system (or
 * developer) message is
 * merged into the next user or assistant message (`system + " " + content`); when it is last, or
 * followed by another system or a tool message, it becomes a user message. Nothing is dropped.
 */
export function mapSystemMessages(messages: ChatMessage[]): ChatMessage[] {
  const mapped: ChatMessage[] = [];
  let pending: string | undefined;
  for (const message of messages) {
    if (message.role === "system" || message.role === "developer") {
      if (pending !== undefined) mapped.push({ role: "user", content: pending });
      pending = contentText(message.content);
      continue;
    }
    if (pending !== undefined) {
      if (message.role === "user" || message.role === "assistant") {
        mapped.push({ ...message, content: prependText(message.content, pending) });
        pending = undefined;
        continue;
      }
      mapped.push({ role: "user", content: pending });
      pending = undefined;
    }
    mapped.push(message);
  }
  if (pending !== undefined) mapped.push({ role: "user", content: pending });
  return mapped;
}

export function hasSystemMessage(messages: ChatMessage[]): boolean {
  for (const message of messages) if (message.role === "system" || message.role === "developer") return true;
  return false;
}
