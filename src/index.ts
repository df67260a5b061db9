export * from "./errors/index.js";
export type * from "./openai/types.js";
