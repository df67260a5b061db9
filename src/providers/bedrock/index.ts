import type { OperationDefinition, ProviderDefinition } from "../types.js";
import { BEDROCK_PROVIDER_ID, bedrockHeaders, conversePath, resolveBedrockTarget } from "./api.js";
import { toConverseRequest } from "./chat-request.js";
import { fromConverseResponse } from "./chat-response.js";
import { createConverseStreamTransformer } from "./chat-stream.js";
import { bedrockEmbeddings } from "./embeddings.js";
import { mapBedrockError } from "./errors.js";

/** `bedrock/<model id>` and `bedrock/converse/<model id>`: Bedrock's Converse API, SigV4-signed. */
const bedrockChat: OperationDefinition<"chat"> = {
  path: conversePath,
  streamFraming: "aws-eventstream",
  toRequest: toConverseRequest,
  fromResponse: fromConverseResponse,
  createStreamTransformer: createConverseStreamTransformer,
};

export const bedrock: ProviderDefinition = {
  id: BEDROCK_PROVIDER_ID,
  resolveTarget: resolveBedrockTarget,
  headers: bedrockHeaders,
  operations: { chat: bedrockChat, embeddings: bedrockEmbeddings },
  mapError: (failure) => mapBedrockError(failure),
};
