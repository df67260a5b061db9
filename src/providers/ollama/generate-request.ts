import { BadRequestError } from "../../errors/index.js";
import type { ChatCompletionRequest, CompletionRequest } from "../../openai/types.js";
import type { TransformSettings } from "../types.js";
import { toOllamaPrompt } from "./generate-prompt.js";
import { refuseUnsupported, toOllamaCommonFields } from "./params.js";
import type { OllamaGenerateRequest } from "./wire.js";

const CHAT_HANDLED: ReadonlySet<string> = new Set(["messages", "tools", "tool_choice"]);
const TOOLS_HINT = ": /api/generate takes no tools, use ollama_chat/<model> for them";

/** Tools on `ollama/`: /api/generate has none. tool_choice "none" (or "auto" without tools) asks nothing. */
function unsupportedTools(request: ChatCompletionRequest): string[] {
  const names: string[] = [];
  if (Array.isArray(request.tools) && request.tools.length > 0) names.push("tools");
  const choice = request.tool_choice;
  if (choice !== undefined && choice !== null && choice !== "none" && choice !== "auto")
    names.push("tool_choice");
  return names;
}

/**
 * An OpenAI chat request on `ollama/<model>` -> the body of Ollama's `POST /api/generate`: the
 * messages flattened to one prompt as LiteLLM does, their images beside it.
 */
export function toOllamaGenerateRequest(
  request: ChatCompletionRequest,
  settings: TransformSettings,
): OllamaGenerateRequest {
  const dropped = refuseUnsupported(request, settings, "ollama", unsupportedTools(request), TOOLS_HINT);
  const { prompt, images } = toOllamaPrompt(request.messages, request.model);
  const body: OllamaGenerateRequest = {
    model: request.model,
    prompt,
    ...toOllamaCommonFields(request, CHAT_HANDLED, dropped, "ollama"),
  };
  if (images.length > 0) body.images = images;
  return body;
}

const COMPLETION_HANDLED: ReadonlySet<string> = new Set(["prompt", "suffix", "echo", "best_of"]);

/** One prompt a call: a string, or a list of one string. */
function promptOf(request: CompletionRequest): string {
  const { prompt } = request;
  if (typeof prompt === "string") return prompt;
  if (Array.isArray(prompt) && prompt.length === 1 && typeof prompt[0] === "string") return prompt[0];
  throw new BadRequestError({
    message: "ollama takes one text prompt a call (a string): not a list of prompts, nor token ids",
    param: "prompt",
    provider: "ollama",
    model: request.model,
  });
}

/** A text completion request -> `POST /api/generate` with the prompt as given (and `suffix`). */
export function toOllamaCompletionRequest(
  request: CompletionRequest,
  settings: TransformSettings,
): OllamaGenerateRequest {
  const extra: string[] = [];
  if (request.echo === true) extra.push("echo");
  if (typeof request.best_of === "number" && request.best_of > 1) extra.push("best_of");
  const dropped = refuseUnsupported(request, settings, "ollama", extra);
  const body: OllamaGenerateRequest = {
    model: request.model,
    prompt: promptOf(request),
    ...toOllamaCommonFields(request, COMPLETION_HANDLED, dropped, "ollama"),
  };
  if (typeof request.suffix === "string" && request.suffix !== "") body.suffix = request.suffix;
  return body;
}
