import type { ChatMessage } from "../../openai/types.js";
import { readContent } from "./content.js";
import { isRecord } from "./wire.js";

/** The prompt and images that LiteLLM's `ollama/` sends to /api/generate for a conversation. */
export interface OllamaPrompt {
  prompt: string;
  images: string[];
}

type Section = "User" | "System" | "Assistant";

function sectionOf(role: string): Section {
  if (role === "system" || role === "developer") return "System";
  if (role === "assistant") return "Assistant";
  return "User"; // user, tool and function results
}

/** An assistant's tool calls as LiteLLM writes them: `Tool Calls: ` and the calls as indented JSON. */
function toolCallsText(toolCalls: unknown): string {
  if (!Array.isArray(toolCalls) || toolCalls.length === 0) return "";
  const calls = toolCalls.filter(isRecord).map((call) => {
    const fn = isRecord(call.function) ? call.function : {};
    let args: unknown = fn.arguments;
    if (typeof args === "string") {
      try {
        args = JSON.parse(args);
      } catch {
        // Kept as the text it is.
      }
    }
    return { id: call.id, type: "function", function: { name: fn.name, arguments: args } };
  });
  return `Tool Calls: ${JSON.stringify(calls, null, 2)}`;
}

/**
 * A conversation -> one prompt, the way LiteLLM's `ollama_pt` writes it: runs of messages of one
 * kind are merged into `### User:`, `### System:` or `### Assistant:` sections (tool results count
 * as the user's), each followed by a blank line; texts of a run are joined as they are; images are
 * collected apart.
 */
export function toOllamaPrompt(messages: readonly ChatMessage[], model: string): OllamaPrompt {
  const images: string[] = [];
  let prompt = "";
  let section: Section | undefined;
  let text = "";
  const close = () => {
    if (section !== undefined && text !== "") prompt += `### ${section}:\n${text}\n\n`;
    text = "";
  };
  for (const message of messages) {
    const next = sectionOf(message.role);
    if (next !== section) {
      close();
      section = next;
    }
    const content = readContent(message, "ollama", model);
    text += content.texts.join("");
    images.push(...content.images);
    if (next === "Assistant") text += toolCallsText(message.tool_calls);
  }
  close();
  return { prompt, images };
}
