/**
 * What a Bedrock model id says about the model: its base id without the cross-region prefix or the
 * ARN around it, and its family (the few places where Converse wants family-specific fields).
 */

/** Cross-region inference profile prefixes (`us.anthropic.claude-…`). */
const REGION_PREFIXES = ["us.", "eu.", "apac.", "jp.", "au.", "ca.", "us-gov.", "global."];

/** `bedrock/converse/<id>` means the same API as `bedrock/<id>`: Converse. */
const ROUTE_PREFIX = "converse/";

/** The model id Bedrock knows: without LiteLLM's `converse/` route. */
export function toBedrockModelId(model: string): string {
  return model.startsWith(ROUTE_PREFIX) ? model.slice(ROUTE_PREFIX.length) : model;
}

/** `anthropic.claude-3-5-sonnet-20241022-v2:0` from a plain id, a profile id or an ARN. */
export function baseModelOf(modelId: string): string {
  const id = toBedrockModelId(modelId);
  const lastPart = id.startsWith("arn:") ? (id.split("/").at(-1) ?? id) : id;
  const prefix = REGION_PREFIXES.find((candidate) => lastPart.startsWith(candidate));
  return prefix === undefined ? lastPart : lastPart.slice(prefix.length);
}

/** The region an ARN names (`arn:aws:bedrock:us-east-1:…`), if the id is one. */
export function regionOfArn(modelId: string): string | undefined {
  if (!modelId.startsWith("arn:")) return undefined;
  const region = modelId.split(":")[3];
  return region === undefined || region === "" ? undefined : region;
}

export function isClaudeModel(modelId: string): boolean {
  const base = baseModelOf(modelId);
  return base.startsWith("anthropic.") || base.includes("claude");
}

export function isNovaModel(modelId: string): boolean {
  return baseModelOf(modelId).startsWith("amazon.nova");
}

/** OpenAI's open-weight models on Bedrock (`openai.gpt-oss-120b-1:0`) take `reasoning_effort` themselves. */
export function isOpenAIModel(modelId: string): boolean {
  return baseModelOf(modelId).startsWith("openai.");
}

export type EmbeddingFamily = "titan" | "titan-v1" | "cohere";

export function embeddingFamilyOf(modelId: string): EmbeddingFamily | undefined {
  const base = baseModelOf(modelId);
  if (base.startsWith("amazon.titan-embed-text-v1") || base.startsWith("amazon.titan-embed-image-v1"))
    return "titan-v1";
  if (base.startsWith("amazon.titan-embed")) return "titan";
  if (base.startsWith("cohere.embed")) return "cohere";
  return undefined;
}

/**
 * A model id as a path segment: every character but the unreserved ones percent-encoded (`:` and `/`
 * of profile ids and ARNs included), as AWS's SDKs encode it. The signature covers this path.
 */
export function encodeModelId(modelId: string): string {
  return encodeURIComponent(modelId).replace(
    /[!'()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
