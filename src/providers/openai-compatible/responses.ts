import type { ResponseStreamEvent } from "../../openai/responses.js";
import type { OperationDefinition } from "../types.js";

/**
 * OpenAI's Responses API as the server has it (`<api_base>/responses`): the body goes as it
 * came, the answer and the events come back unchanged (each event parsed, for usage and storage).
 */
export const openAICompatibleResponses: OperationDefinition<"responses"> = {
  path: "/responses",
  toRequest: (request) => request,
  createStreamTransformer: () => ({
    push: (event) => [event as ResponseStreamEvent],
    flush: () => [],
  }),
};
