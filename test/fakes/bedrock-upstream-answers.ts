/**
 * What the fake Bedrock answers, from what it was sent: Converse bodies are checked the way
 * Bedrock checks them (alternating roles starting with the user, no blank text, a toolConfig for
 * tool blocks, known fields only), then answered deterministically:
 * - a user turn with toolResult blocks -> text "tool said: <results>";
 * - a forced tool (toolChoice tool/any), or a user text naming a tool -> a toolUse with a sample input;
 * - otherwise -> text "echo: <last user text>" (+ " (+N image)" per image), cut at a stop sequence
 *   (stop_sequence) or at maxTokens words (max_tokens).
 * `additionalModelRequestFields.thinking` adds a reasoning block first; cache points add cache usage.
 */
import { createHash } from "node:crypto";

type Json = Record<string, unknown>;

export class ValidationFailure extends Error {}

export type OutputBlock =
  | { text: string }
  | { toolUse: { toolUseId: string; name: string; input: unknown } }
  | { reasoningContent: { reasoningText: { text: string; signature: string } } };

export interface ConversePlan {
  blocks: OutputBlock[];
  stopReason: string;
  usage: Json;
}

const TOP_LEVEL_FIELDS = new Set([
  "messages",
  "system",
  "inferenceConfig",
  "toolConfig",
  "guardrailConfig",
  "additionalModelRequestFields",
  "promptVariables",
  "additionalModelResponseFieldPaths",
  "requestMetadata",
  "performanceConfig",
]);
const INFERENCE_FIELDS = new Set(["maxTokens", "temperature", "topP", "stopSequences"]);
const BLOCK_KINDS = new Set([
  "text",
  "image",
  "document",
  "toolUse",
  "toolResult",
  "reasoningContent",
  "cachePoint",
]);

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function fail(message: string): never {
  throw new ValidationFailure(message);
}

function checkBlock(block: unknown, where: string): void {
  if (!isObject(block)) fail(`${where} must be an object`);
  const kinds = Object.keys(block);
  if (kinds.length !== 1 || !BLOCK_KINDS.has(kinds[0] ?? ""))
    fail(`Malformed input request: ${where} must have exactly one of ${[...BLOCK_KINDS].join(", ")}`);
  if ("text" in block && (typeof block.text !== "string" || block.text.trim() === ""))
    fail(
      `The text field in the ContentBlock object at ${where} is blank. Add text to the text field, and try again.`,
    );
  if ("image" in block) {
    const image = block.image as Json;
    const source = isObject(image.source) ? image.source : {};
    if (!["png", "jpeg", "gif", "webp"].includes(String(image.format)))
      fail(`${where}.image.format is not valid`);
    if (typeof source.bytes === "string" && Buffer.from(source.bytes, "base64").length === 0)
      fail(`${where}.image.source.bytes is empty`);
  }
}

/** Refuses what Bedrock's Converse would refuse (a ValidationException). */
export function checkConverseBody(body: unknown): asserts body is Json {
  if (!isObject(body)) fail("Malformed input request: the body is not a JSON object");
  for (const key of Object.keys(body))
    if (!TOP_LEVEL_FIELDS.has(key)) fail(`Malformed input request: extraneous key [${key}] is not permitted`);
  for (const key of Object.keys(isObject(body.inferenceConfig) ? body.inferenceConfig : {}))
    if (!INFERENCE_FIELDS.has(key))
      fail(`Malformed input request: extraneous key [inferenceConfig.${key}] is not permitted`);
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) fail("messages must be a non-empty list");
  let hasToolBlocks = false;
  messages.forEach((message, index) => {
    if (!isObject(message) || !["user", "assistant"].includes(String(message.role)))
      fail(`messages.${index}.role must be user or assistant`);
    if (index === 0 && message.role !== "user")
      fail(
        "A conversation must start with a user message. Try again with a conversation that starts with a user message.",
      );
    if (index > 0 && (messages[index - 1] as Json).role === message.role)
      fail(
        "A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.",
      );
    if (!Array.isArray(message.content) || message.content.length === 0)
      fail(`messages.${index}.content must not be empty`);
    message.content.forEach((block, blockIndex) => {
      checkBlock(block, `messages.${index}.content.${blockIndex}`);
      if (isObject(block) && ("toolUse" in block || "toolResult" in block)) hasToolBlocks = true;
    });
  });
  if (hasToolBlocks && !isObject(body.toolConfig))
    fail("The toolConfig field must be defined when using toolUse and toolResult content blocks.");
}

function textsOf(blocks: unknown): string[] {
  return Array.isArray(blocks)
    ? blocks.filter(isObject).flatMap((block) => (typeof block.text === "string" ? [block.text] : []))
    : [];
}

function wordCount(texts: string[]): number {
  return texts
    .join(" ")
    .split(/\s+/)
    .filter((word) => word !== "").length;
}

/** A value that fits a JSON schema, roughly: what a model would fill a tool's input with. */
export function sampleOf(schema: unknown): unknown {
  if (!isObject(schema)) return {};
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  switch (schema.type) {
    case "string":
      return "Paris";
    case "number":
    case "integer":
      return 3;
    case "boolean":
      return true;
    case "array":
      return [sampleOf(schema.items)];
    default: {
      const properties = isObject(schema.properties) ? schema.properties : {};
      return Object.fromEntries(Object.entries(properties).map(([name, value]) => [name, sampleOf(value)]));
    }
  }
}

function toolUseOf(body: Json, lastText: string, sequence: number): OutputBlock | undefined {
  const config = isObject(body.toolConfig) ? body.toolConfig : undefined;
  const tools = (Array.isArray(config?.tools) ? config.tools : [])
    .filter(isObject)
    .flatMap((tool) => (isObject(tool.toolSpec) ? [tool.toolSpec] : []));
  if (tools.length === 0) return undefined;
  const choice = isObject(config?.toolChoice) ? config.toolChoice : {};
  const forced = isObject(choice.tool)
    ? tools.find((tool) => tool.name === (choice.tool as Json).name)
    : undefined;
  const named = tools.find((tool) => typeof tool.name === "string" && lastText.includes(tool.name));
  const tool = forced ?? named ?? ("any" in choice ? tools[0] : undefined);
  if (tool === undefined) return undefined;
  const schema = isObject(tool.inputSchema) ? tool.inputSchema.json : undefined;
  return {
    toolUse: {
      toolUseId: `tooluse_${sequence}_${String(tool.name)}`,
      name: String(tool.name),
      input: sampleOf(schema),
    },
  };
}

function echoOf(body: Json, lastUser: Json[]): { text: string; stopReason: string } {
  const config = isObject(body.inferenceConfig) ? body.inferenceConfig : {};
  const images = lastUser.filter((block) => "image" in block).length;
  let text = `echo: ${textsOf(lastUser).join(" ")}${images > 0 ? ` (+${images} image)` : ""}`;
  const stops = Array.isArray(config.stopSequences) ? (config.stopSequences as string[]) : [];
  for (const stop of stops) {
    const at = text.indexOf(stop);
    if (at >= 0) return { text: text.slice(0, at), stopReason: "stop_sequence" };
  }
  const words = text.split(" ");
  if (typeof config.maxTokens === "number" && words.length > config.maxTokens) {
    text = words.slice(0, config.maxTokens).join(" ");
    return { text, stopReason: "max_tokens" };
  }
  return { text, stopReason: "end_turn" };
}

/** The answer to a checked Converse body. */
export function planConverse(body: Json, sequence: number): ConversePlan {
  const messages = body.messages as Json[];
  const last = messages.at(-1) as Json;
  const lastBlocks = (last.role === "user" ? (last.content as Json[]) : []).filter(isObject);
  const lastText = textsOf(lastBlocks).join(" ");
  const blocks: OutputBlock[] = [];
  const extra = isObject(body.additionalModelRequestFields) ? body.additionalModelRequestFields : {};
  if (isObject(extra.thinking) && extra.thinking.type === "enabled")
    blocks.push({
      reasoningContent: {
        reasoningText: { text: `Thinking about: ${lastText}`, signature: `sig-${sequence}` },
      },
    });
  let stopReason = "end_turn";
  const results = lastBlocks.filter((block) => "toolResult" in block);
  const toolUse = results.length === 0 ? toolUseOf(body, lastText, sequence) : undefined;
  if (results.length > 0) {
    const said = results.flatMap((block) => textsOf((block.toolResult as Json).content));
    blocks.push({ text: `tool said: ${said.join("; ")}` });
  } else if (toolUse !== undefined) {
    blocks.push(toolUse);
    stopReason = "tool_use";
  } else {
    const echo = echoOf(body, lastBlocks);
    blocks.push({ text: echo.text });
    stopReason = echo.stopReason;
  }
  const input = wordCount([
    ...textsOf(body.system),
    ...messages.flatMap((message) => textsOf(message.content)),
  ]);
  const output = wordCount(blocks.flatMap((block) => ("text" in block ? [block.text] : [])));
  const hasCachePoint = JSON.stringify(body).includes('"cachePoint"');
  const cache = hasCachePoint ? { cacheReadInputTokens: 4, cacheWriteInputTokens: 2 } : {};
  const cacheTokens = hasCachePoint ? 6 : 0;
  return {
    blocks,
    stopReason,
    usage: { inputTokens: input, outputTokens: output, totalTokens: input + output + cacheTokens, ...cache },
  };
}

export function converseAnswer(plan: ConversePlan): Json {
  return {
    output: { message: { role: "assistant", content: plan.blocks } },
    stopReason: plan.stopReason,
    usage: plan.usage,
    metrics: { latencyMs: 12 },
  };
}

/** Pieces of `text` of about `size` characters (the stream's deltas). */
function piecesOf(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += size) pieces.push(text.slice(start, start + size));
  return pieces.length > 0 ? pieces : [""];
}

/** The ConverseStream events of a plan: [event type, payload], as Bedrock sends them. */
export function converseStreamEvents(plan: ConversePlan): Array<[string, Json]> {
  const events: Array<[string, Json]> = [["messageStart", { role: "assistant" }]];
  plan.blocks.forEach((block, contentBlockIndex) => {
    if ("text" in block) {
      for (const piece of piecesOf(block.text, 6))
        events.push(["contentBlockDelta", { contentBlockIndex, delta: { text: piece } }]);
    } else if ("toolUse" in block) {
      const { toolUseId, name, input } = block.toolUse;
      events.push(["contentBlockStart", { contentBlockIndex, start: { toolUse: { toolUseId, name } } }]);
      for (const piece of piecesOf(JSON.stringify(input), 7))
        events.push(["contentBlockDelta", { contentBlockIndex, delta: { toolUse: { input: piece } } }]);
    } else {
      const { text, signature } = block.reasoningContent.reasoningText;
      for (const piece of piecesOf(text, 9))
        events.push([
          "contentBlockDelta",
          { contentBlockIndex, delta: { reasoningContent: { text: piece } } },
        ]);
      events.push(["contentBlockDelta", { contentBlockIndex, delta: { reasoningContent: { signature } } }]);
    }
    events.push(["contentBlockStop", { contentBlockIndex }]);
  });
  events.push(["messageStop", { stopReason: plan.stopReason }]);
  events.push(["metadata", { usage: plan.usage, metrics: { latencyMs: 12 } }]);
  return events;
}

/** A deterministic unit-ish vector for a text. */
function vectorOf(text: string, length: number): number[] {
  const digest = createHash("sha256").update(text).digest();
  return Array.from(
    { length },
    (_, index) => Math.round(((digest[index % digest.length] ?? 0) / 255 - 0.5) * 1000) / 1000,
  );
}

const TITAN_FIELDS = new Set(["inputText", "dimensions", "normalize", "embeddingTypes"]);
const TITAN_V1_FIELDS = new Set(["inputText"]);
const COHERE_FIELDS = new Set([
  "texts",
  "input_type",
  "truncate",
  "embedding_types",
  "images",
  "output_dimension",
  "max_tokens",
]);

function checkKeys(body: Json, allowed: Set<string>): void {
  for (const key of Object.keys(body))
    if (!allowed.has(key))
      fail(
        `Malformed input request: extraneous key [${key}] is not permitted, please reformat your input and try again.`,
      );
}

/** InvokeModel for the embedding models, or undefined for a model that is not one. */
export function embeddingAnswer(modelId: string, body: unknown): Json | undefined {
  if (!isObject(body)) fail("Malformed input request: the body is not a JSON object");
  if (modelId.includes("amazon.titan-embed")) {
    checkKeys(body, modelId.includes("-v1") ? TITAN_V1_FIELDS : TITAN_FIELDS);
    if (typeof body.inputText !== "string" || body.inputText === "")
      fail("Malformed input request: inputText is required");
    const length = typeof body.dimensions === "number" ? body.dimensions : 1024;
    return { embedding: vectorOf(body.inputText, length), inputTextTokenCount: wordCount([body.inputText]) };
  }
  if (modelId.includes("cohere.embed")) {
    checkKeys(body, COHERE_FIELDS);
    if (!Array.isArray(body.texts) || body.texts.length === 0 || body.texts.length > 96)
      fail("Malformed input request: texts must hold 1 to 96 strings");
    if (typeof body.input_type !== "string")
      fail("Malformed input request: #: required key [input_type] not found");
    const length = typeof body.output_dimension === "number" ? body.output_dimension : 1024;
    const embeddings = body.texts.map((text) => vectorOf(String(text), length));
    return { embeddings, id: "emb-1", response_type: "embeddings_floats", texts: body.texts };
  }
  return undefined;
}
