/**
 * What the fake Google upstream answers by default, and how it checks a request as Google does:
 * Gemini's generateContent (Gemini API and Vertex AI), its SSE stream, batchEmbedContents, Vertex's
 * text-embedding :predict, and Anthropic on Vertex (:rawPredict, :streamRawPredict).
 */

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Google's error body. */
export function googleError(code: number, status: string, message: string, details?: unknown[]): Json {
  return { error: { code, message, status, ...(details === undefined ? {} : { details }) } };
}

const REQUEST_FIELDS = new Set([
  "contents",
  "systemInstruction",
  "system_instruction",
  "tools",
  "toolConfig",
  "tool_config",
  "generationConfig",
  "generation_config",
  "safetySettings",
  "safety_settings",
  "cachedContent",
  "cached_content",
  "model",
  "labels",
]);

const GENERATION_FIELDS = new Set(
  [
    "temperature topP topK maxOutputTokens stopSequences candidateCount seed presencePenalty frequencyPenalty",
    "responseLogprobs logprobs responseMimeType responseSchema responseJsonSchema thinkingConfig responseModalities",
    "mediaResolution speechConfig",
  ]
    .join(" ")
    .split(" "),
);

/** The fields of Gemini's Schema (OpenAPI 3.0 subset); anything else is refused. */
const SCHEMA_FIELDS = new Set(
  [
    "type format title description nullable enum maxItems minItems properties required minProperties",
    "maxProperties minLength maxLength pattern example anyOf propertyOrdering default items minimum maximum",
  ]
    .join(" ")
    .split(" "),
);

function unknownName(name: string, at: string | undefined): Json {
  const where = at === undefined ? "" : ` at '${at}'`;
  return googleError(
    400,
    "INVALID_ARGUMENT",
    `Invalid JSON payload received. Unknown name "${name}"${where}: Cannot find field.`,
  );
}

function schemaProblem(schema: unknown, at: string): Json | undefined {
  if (!isObject(schema)) return undefined;
  for (const key of Object.keys(schema)) if (!SCHEMA_FIELDS.has(key)) return unknownName(key, at);
  if (isObject(schema.properties)) {
    for (const [name, value] of Object.entries(schema.properties)) {
      const problem = schemaProblem(value, `${at}.properties[${name}].value`);
      if (problem !== undefined) return problem;
    }
  }
  return schemaProblem(schema.items, `${at}.items`);
}

function partsOf(content: unknown): Json[] {
  return isObject(content) && Array.isArray(content.parts) ? content.parts.filter(isObject) : [];
}

/** Google's checks of a GenerateContentRequest that matter here; the error body, or undefined. */
export function generateContentProblem(body: Json): Json | undefined {
  for (const key of Object.keys(body)) if (!REQUEST_FIELDS.has(key)) return unknownName(key, undefined);
  const config = body.generationConfig ?? body.generation_config;
  if (isObject(config)) {
    for (const key of Object.keys(config))
      if (!GENERATION_FIELDS.has(key)) return unknownName(key, "generation_config");
    const problem = schemaProblem(config.responseSchema, "generation_config.response_schema");
    if (problem !== undefined) return problem;
  }
  const contents = body.contents;
  if (!Array.isArray(contents) || contents.length === 0) {
    return googleError(
      400,
      "INVALID_ARGUMENT",
      "* GenerateContentRequest.contents: contents is not specified\n",
    );
  }
  let previousCalls = 0;
  for (const [index, content] of contents.entries()) {
    if (!isObject(content) || (content.role !== "user" && content.role !== "model")) {
      return googleError(400, "INVALID_ARGUMENT", "Please use a valid role: user, model.");
    }
    const parts = partsOf(content);
    if (parts.length === 0) {
      return googleError(
        400,
        "INVALID_ARGUMENT",
        `* GenerateContentRequest.contents[${index}].parts: contents.parts must not be empty.\n`,
      );
    }
    const responses = parts.filter(
      (part) => part.functionResponse !== undefined || part.function_response !== undefined,
    ).length;
    if (responses > 0 && responses !== previousCalls) {
      return googleError(
        400,
        "INVALID_ARGUMENT",
        "Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.",
      );
    }
    previousCalls = parts.filter(
      (part) => part.functionCall !== undefined || part.function_call !== undefined,
    ).length;
  }
  for (const [toolIndex, tool] of (Array.isArray(body.tools) ? body.tools : []).entries()) {
    const declarations = isObject(tool)
      ? (tool.functionDeclarations ?? tool.function_declarations)
      : undefined;
    for (const [index, declaration] of (Array.isArray(declarations) ? declarations : []).entries()) {
      const parameters = isObject(declaration) ? declaration.parameters : undefined;
      const at = `tools[${toolIndex}].function_declarations[${index}].parameters`;
      if (
        isObject(parameters) &&
        isObject(parameters.properties) &&
        Object.keys(parameters.properties).length === 0
      ) {
        return googleError(
          400,
          "INVALID_ARGUMENT",
          `* GenerateContentRequest.${at}.properties: should be non-empty for OBJECT type\n`,
        );
      }
      const problem = schemaProblem(parameters, at);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}

function words(text: string): number {
  return text.split(/\s+/).filter((word) => word !== "").length;
}

function textOfParts(parts: Json[]): string {
  return parts.map((part) => (typeof part.text === "string" ? part.text : "")).join(" ");
}

interface Declaration {
  name: string;
  parameters?: Json;
}

function declarationsOf(body: Json): Declaration[] {
  const list: Declaration[] = [];
  for (const tool of Array.isArray(body.tools) ? body.tools : []) {
    const declarations = isObject(tool)
      ? (tool.functionDeclarations ?? tool.function_declarations)
      : undefined;
    for (const declaration of Array.isArray(declarations) ? declarations : []) {
      if (isObject(declaration) && typeof declaration.name === "string")
        list.push(declaration as unknown as Declaration);
    }
  }
  return list;
}

/** Arguments that fit a schema: each property a sample of its type. */
export function sampleArguments(schema: Json | undefined): Json {
  const args: Json = {};
  const properties = isObject(schema?.properties) ? schema.properties : {};
  for (const [name, property] of Object.entries(properties)) {
    const type =
      isObject(property) && typeof property.type === "string" ? property.type.toLowerCase() : "string";
    const options = isObject(property) && Array.isArray(property.enum) ? property.enum : undefined;
    args[name] =
      options !== undefined
        ? options[0]
        : type === "number" || type === "integer"
          ? 1
          : type === "boolean"
            ? true
            : `${name}-value`;
  }
  return args;
}

/** The function the default answer calls: when tools were given, not refused, and not already answered. */
function functionToCall(body: Json): Declaration | undefined {
  const declarations = declarationsOf(body);
  const toolConfig = body.toolConfig ?? body.tool_config;
  const calling = isObject(toolConfig)
    ? (toolConfig.functionCallingConfig ?? toolConfig.function_calling_config)
    : undefined;
  if (isObject(calling) && calling.mode === "NONE") return undefined;
  const contents = Array.isArray(body.contents) ? body.contents : [];
  const lastParts = partsOf(contents.at(-1));
  if (lastParts.some((part) => part.functionResponse !== undefined)) return undefined;
  const allowed =
    isObject(calling) && Array.isArray(calling.allowedFunctionNames) ? calling.allowedFunctionNames : [];
  return declarations.find((declaration) => allowed.length === 0 || allowed.includes(declaration.name));
}

/** Echo of the last user text (as JSON when JSON was asked), or a call of the first tool. */
export function defaultGenerateAnswer(body: Json, model: string, sequence: number): Json {
  const contents = (Array.isArray(body.contents) ? body.contents : []).filter(isObject);
  const lastUser = [...contents]
    .reverse()
    .find(
      (content) => content.role === "user" && partsOf(content).some((part) => typeof part.text === "string"),
    );
  const userText = textOfParts(partsOf(lastUser)).trim();
  const config = isObject(body.generationConfig) ? body.generationConfig : {};
  const thinking = isObject(config.thinkingConfig) ? config.thinkingConfig : {};
  const count = typeof config.candidateCount === "number" ? config.candidateCount : 1;
  const call = functionToCall(body);
  const candidates = Array.from({ length: count }, (_, index) => {
    const parts: Json[] = [];
    if (thinking.includeThoughts === true) parts.push({ text: "Thinking it over.", thought: true });
    if (call !== undefined)
      parts.push({ functionCall: { name: call.name, args: sampleArguments(call.parameters) } });
    else {
      const text = `Echo: ${userText}${count > 1 ? ` (${index + 1})` : ""}`;
      parts.push({
        text: config.responseMimeType === "application/json" ? JSON.stringify({ echo: text }) : text,
      });
    }
    return { content: { role: "model", parts }, finishReason: "STOP", index };
  });
  const promptTokens = contents.reduce((sum, content) => sum + words(textOfParts(partsOf(content))), 0);
  const answerTokens = candidates.reduce(
    (sum, candidate) => sum + words(textOfParts(candidate.content.parts as Json[])),
    0,
  );
  const thoughts = thinking.includeThoughts === true ? 12 : 0;
  return {
    candidates,
    usageMetadata: {
      promptTokenCount: promptTokens,
      candidatesTokenCount: answerTokens,
      totalTokenCount: promptTokens + answerTokens + thoughts,
      ...(thoughts > 0 ? { thoughtsTokenCount: thoughts } : {}),
    },
    modelVersion: model,
    responseId: `fake-${sequence}`,
  };
}

/** A whole answer as the stream Google sends: text in pieces, calls whole, the finish and usage last. */
export function toStreamEvents(answer: Json): Json[] {
  const candidates = Array.isArray(answer.candidates) ? answer.candidates.filter(isObject) : [];
  const events: Json[] = [];
  const head = { modelVersion: answer.modelVersion, responseId: answer.responseId };
  for (const candidate of candidates) {
    for (const part of partsOf(candidate.content)) {
      const pieces =
        typeof part.text === "string" && part.thought !== true
          ? (part.text.match(/\S+\s*|\s+/g) ?? [""])
          : [undefined];
      for (const piece of pieces) {
        const sent = piece === undefined ? part : { ...part, text: piece };
        events.push({
          candidates: [{ content: { role: "model", parts: [sent] }, index: candidate.index }],
          ...head,
        });
      }
    }
  }
  const last = events.at(-1);
  const finishes = candidates.map((candidate) => ({
    index: candidate.index,
    finishReason: candidate.finishReason,
  }));
  if (last !== undefined && candidates.length === 1) {
    const lastCandidate = (last.candidates as Json[])[0];
    if (lastCandidate !== undefined) lastCandidate.finishReason = candidates[0]?.finishReason;
    last.usageMetadata = answer.usageMetadata;
  } else events.push({ candidates: finishes, usageMetadata: answer.usageMetadata, ...head });
  return events;
}

/** Deterministic vector of a text: `dimensions` values in [-1, 1]. */
export function vectorOf(text: string, dimensions: number): number[] {
  let seed = 0;
  for (const character of text) seed = (seed * 31 + (character.codePointAt(0) ?? 0)) % 1_000_003;
  return Array.from({ length: dimensions }, (_, index) => Math.round(Math.sin(seed + index) * 1e6) / 1e6);
}

export function batchEmbedAnswer(body: Json): Json | undefined {
  if (!Array.isArray(body.requests)) return undefined;
  return {
    embeddings: body.requests.filter(isObject).map((request) => {
      const text = textOfParts(partsOf(request.content));
      const size = typeof request.outputDimensionality === "number" ? request.outputDimensionality : 8;
      return { values: vectorOf(text, size) };
    }),
  };
}

/** Vertex's text-embedding `:predict`. */
export function predictAnswer(body: Json): Json | undefined {
  if (!Array.isArray(body.instances)) return undefined;
  const parameters = isObject(body.parameters) ? body.parameters : {};
  const size = typeof parameters.outputDimensionality === "number" ? parameters.outputDimensionality : 8;
  const predictions = body.instances.filter(isObject).map((instance) => {
    const text = typeof instance.content === "string" ? instance.content : "";
    return {
      embeddings: {
        values: vectorOf(text, size),
        statistics: { token_count: words(text), truncated: false },
      },
    };
  });
  const characters = body.instances
    .filter(isObject)
    .reduce((sum, instance) => sum + String(instance.content ?? "").length, 0);
  return { predictions, metadata: { billableCharacterCount: characters } };
}
