import type { Completion } from "../../openai/types.js";
import type { OperationDefinition } from "../types.js";
import { createPassThroughTransformer } from "./chat.js";
import { isBase64Requested, repairEmbeddings, repairTextCompletion } from "./repair.js";

export const openAICompatibleCompletions: OperationDefinition<"completions"> = {
  path: "/completions",
  toRequest: (request) => request,
  repairResponse: repairTextCompletion,
  createStreamTransformer: () => createPassThroughTransformer<Completion>(),
};

export const openAICompatibleEmbeddings: OperationDefinition<"embeddings"> = {
  path: "/embeddings",
  toRequest: (request) => request,
  repairResponse: repairEmbeddings,
  mayNeedRepair: isBase64Requested,
};
