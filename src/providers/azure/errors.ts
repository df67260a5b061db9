import { type LlmgateError, NotFoundError } from "../../errors/index.js";
import { mapOpenAICompatibleError } from "../openai-compatible/errors.js";
import type { UpstreamFailure } from "../types.js";

/**
 * Azure answers errors in OpenAI's shape (content filters included, which the shared mapper
 * knows); a 404 is a deployment or resource that does not exist, not a missing `/v1`.
 */
export function mapAzureError(failure: UpstreamFailure): LlmgateError {
  const error = mapOpenAICompatibleError(failure);
  if (failure.status !== 404) return error;
  const message = error.message.replace(/ \(the api_base "[^"]*" has no \/v1 path;.*\)$/, "");
  return new NotFoundError({
    message: `${message} (check the deployment name "${failure.target.model}" and that api_base is the resource's root, https://<resource>.openai.azure.com)`,
    provider: error.provider ?? undefined,
    model: error.model ?? undefined,
    body: failure.body,
  });
}
