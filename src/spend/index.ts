/** Cost calculation and token counting (light to import: the tokenizer loads on first count). */
export {
  type CompletionCostInput,
  type CostUsage,
  completionCost,
  findModelPrice,
  type PriceOverrides,
} from "./cost.js";
export { type ModelPrice, priceTable } from "./price-table.js";
export { type CountTokensOptions, countMessageTokens, countTokens } from "./tokens.js";
