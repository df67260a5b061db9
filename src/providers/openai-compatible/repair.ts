import { randomBytes } from "node:crypto";
import type { RepairContext, UpstreamTarget } from "../types.js";

/**
 * OpenAI-compatible servers answer in OpenAI's shape, mostly: vLLM leaves out `message.refusal` and
 * sends `prompt_tokens_details: null`, llama.cpp leaves out `logprobs`, TGI says `eos_token` where
 * OpenAI says `stop`, some leave out `id` or `created`. These fill in what OpenAI's spec requires, in
 * place, and say whether they changed anything: a body they left alone is relayed as its bytes.
 */

type Fields = Record<string, unknown>;

/** finish_reason values of other servers -> OpenAI's. */
const FINISH_REASONS: Readonly<Record<string, string>> = {
  eos_token: "stop",
  eos: "stop",
  stop_sequence: "stop",
  end_turn: "stop",
  max_tokens: "length",
  model_length: "length",
  tool_use: "tool_calls",
};

function isRecord(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Sets `body[key]` when it is missing (undefined); true when it did. */
function fill(body: Fields, key: string, value: () => unknown): boolean {
  if (body[key] !== undefined) return false;
  body[key] = value();
  return true;
}

function repairHead(body: Fields, object: string, idPrefix: string, target: UpstreamTarget): boolean {
  let changed = false;
  if (body.object !== object) {
    body.object = object;
    changed = true;
  }
  changed = fill(body, "id", () => `${idPrefix}${randomBytes(12).toString("hex")}`) || changed;
  changed = fill(body, "created", () => Math.floor(Date.now() / 1000)) || changed;
  changed = fill(body, "model", () => target.model) || changed;
  return changed;
}

/** `*_tokens_details: null` is not in the spec (an object or absent). */
function repairUsage(body: Fields): boolean {
  const usage = body.usage;
  if (!isRecord(usage)) return false;
  let changed = false;
  for (const key of ["prompt_tokens_details", "completion_tokens_details"]) {
    if (usage[key] === null) {
      delete usage[key];
      changed = true;
    }
  }
  return changed;
}

function repairChoice(choice: Fields, index: number): boolean {
  let changed = fill(choice, "index", () => index);
  changed = fill(choice, "logprobs", () => null) || changed;
  const reason = choice.finish_reason;
  if (typeof reason === "string" && Object.hasOwn(FINISH_REASONS, reason)) {
    choice.finish_reason = FINISH_REASONS[reason];
    changed = true;
  }
  return changed;
}

/** A chat.completion as OpenAI's spec has it. */
export function repairChatCompletion(body: Fields, { target }: RepairContext): boolean {
  let changed = repairHead(body, "chat.completion", "chatcmpl-", target);
  const choices = Array.isArray(body.choices) ? body.choices : [];
  for (let index = 0; index < choices.length; index++) {
    const choice = choices[index];
    if (!isRecord(choice)) continue;
    changed = repairChoice(choice, index) || changed;
    const message = choice.message;
    if (!isRecord(message)) continue;
    changed = fill(message, "role", () => "assistant") || changed;
    changed = fill(message, "content", () => null) || changed;
    changed = fill(message, "refusal", () => null) || changed;
  }
  return repairUsage(body) || changed;
}

/** A text_completion as OpenAI's spec has it. */
export function repairTextCompletion(body: Fields, { target }: RepairContext): boolean {
  let changed = repairHead(body, "text_completion", "cmpl-", target);
  const choices = Array.isArray(body.choices) ? body.choices : [];
  for (let index = 0; index < choices.length; index++) {
    const choice = choices[index];
    if (isRecord(choice)) changed = repairChoice(choice, index) || changed;
  }
  return repairUsage(body) || changed;
}

/** Whether an embeddings call asked for base64: the one case repairEmbeddings has work for. */
export function isBase64Requested(sent: Record<string, unknown>): boolean {
  return sent.encoding_format === "base64";
}

/**
 * Embeddings asked for as base64 but sent as float lists (Ollama, LM Studio and older servers ignore
 * `encoding_format`): encoded as OpenAI does, little-endian float32. The official clients ask for
 * base64 by default and would decode a list into nothing.
 */
export function repairEmbeddings(body: Fields, { sent }: RepairContext): boolean {
  if (!isBase64Requested(sent) || !Array.isArray(body.data)) return false;
  let changed = false;
  for (const item of body.data) {
    if (!isRecord(item) || !Array.isArray(item.embedding)) continue;
    const floats = Float32Array.from(item.embedding as number[]);
    item.embedding = Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString("base64");
    changed = true;
  }
  return changed;
}
