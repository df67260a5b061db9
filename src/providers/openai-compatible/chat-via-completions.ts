import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  ChatMessage,
  Completion,
  CompletionChoice,
} from "../../openai/types.js";
import type { OperationDefinition, StreamTransformer } from "../types.js";

/**
 * Chat calls for `text-completion-openai/`: the messages become one prompt for `/completions`, and
 * the text completion comes back as a chat completion.
 */
function messageText(message: ChatMessage): string {
  const content = message.content;
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part) => (part.type === "text" && typeof part.text === "string" ? part.text : ""))
    .filter((text) => text !== "")
    .join(" ");
}

export function toPromptRequest(request: ChatCompletionRequest): Record<string, unknown> {
  const { messages, max_completion_tokens, ...rest } = request;
  const body: Record<string, unknown> = { ...rest, prompt: messages.map(messageText).join("\n") };
  if (max_completion_tokens !== undefined && body.max_tokens === undefined)
    body.max_tokens = max_completion_tokens;
  return body;
}

function choicesOf(body: unknown): CompletionChoice[] {
  const choices = (body as Partial<Completion> | null)?.choices;
  return Array.isArray(choices) ? choices : [];
}

export function fromCompletionToChat(body: unknown): ChatCompletion {
  const completion = body as Partial<Completion>;
  const chat: ChatCompletion = {
    id: completion.id ?? "",
    object: "chat.completion",
    created: completion.created ?? Math.floor(Date.now() / 1000),
    model: completion.model ?? "",
    choices: choicesOf(body).map((choice) => ({
      index: choice.index,
      message: { role: "assistant", content: choice.text, refusal: null },
      finish_reason: choice.finish_reason,
      logprobs: choice.logprobs ?? null,
    })),
  };
  if (completion.usage !== undefined && completion.usage !== null) chat.usage = completion.usage;
  return chat;
}

export function createCompletionToChatTransformer(): StreamTransformer<ChatCompletionChunk> {
  const sentRole = new Set<number>();
  return {
    push(event) {
      const completion = event as Partial<Completion>;
      const chunk: ChatCompletionChunk = {
        id: completion.id ?? "",
        object: "chat.completion.chunk",
        created: completion.created ?? Math.floor(Date.now() / 1000),
        model: completion.model ?? "",
        choices: choicesOf(event).map((choice) => {
          const isFirst = !sentRole.has(choice.index);
          sentRole.add(choice.index);
          return {
            index: choice.index,
            delta: isFirst ? { role: "assistant", content: choice.text } : { content: choice.text },
            finish_reason: choice.finish_reason ?? null,
            logprobs: choice.logprobs ?? null,
          };
        }),
      };
      if (completion.usage !== undefined) chunk.usage = completion.usage;
      return [chunk];
    },
    flush: () => [],
  };
}

export const chatViaCompletions: OperationDefinition<"chat"> = {
  path: "/completions",
  toRequest: toPromptRequest,
  fromResponse: fromCompletionToChat,
  createStreamTransformer: createCompletionToChatTransformer,
};
