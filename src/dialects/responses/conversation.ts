import type { ResponseItem, ResponseItemList, ResponsesRequest } from "../../openai/responses.js";
import type { ResponseIdSource } from "./ids.js";

type Item = Record<string, unknown>;

function isRecord(value: unknown): value is Item {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const ID_PREFIXES: Record<string, string> = {
  message: "msg",
  function_call: "fc",
  function_call_output: "fco",
  reasoning: "rs",
};

/**
 * A request's `input` as stored items, the way `input_items` lists them: a string is a user
 * message, a message's string content an `input_text` (`output_text` for the assistant) part,
 * and every item has a type and an id.
 */
export function toInputItems(input: ResponsesRequest["input"], ids: ResponseIdSource): Item[] {
  const items: Item[] = typeof input === "string" ? [{ role: "user", content: input }] : [];
  if (Array.isArray(input)) for (const item of input) if (isRecord(item)) items.push(item);
  return items.map((item) => {
    const type = typeof item.type === "string" ? item.type : "message";
    const stored: Item = { ...item, type };
    if (type === "message" && typeof item.content === "string") {
      const partType = item.role === "assistant" ? "output_text" : "input_text";
      stored.content = [{ type: partType, text: item.content }];
    }
    if (typeof stored.id !== "string") stored.id = ids.newId(ID_PREFIXES[type] ?? "item");
    return stored;
  });
}

/** What the next turn answers after a stored response: its context, then its output. */
export function continuedContext(contextItems: Item[], output: unknown): Item[] {
  return [...contextItems, ...(Array.isArray(output) ? output.filter(isRecord) : [])];
}

/**
 * Stored items as input to send: messages, calls and outputs without the ids we gave them (an
 * upstream may refuse ids it did not make) or their status; other items as they were stored.
 */
export function toUpstreamInput(items: Item[]): ResponseItem[] {
  return items.map((item) => {
    if (item.type !== "message" && item.type !== "function_call" && item.type !== "function_call_output")
      return item as ResponseItem;
    const { id: _id, status: _status, ...rest } = item;
    return rest as ResponseItem;
  });
}

export interface ItemListQuery {
  order?: "asc" | "desc";
  limit?: number;
  after?: string;
}

/** `GET /responses/{id}/input_items`: newest first by default, `limit` (1..100, default 20), `after` an id. */
export function listInputItems(items: Item[], query: ItemListQuery): ResponseItemList {
  const ordered = query.order === "asc" ? [...items] : [...items].reverse();
  const start = query.after === undefined ? 0 : ordered.findIndex((item) => item.id === query.after) + 1;
  const limit = Math.min(Math.max(Math.trunc(query.limit ?? 20), 1), 100);
  const page = ordered.slice(start, start + limit);
  const first = page[0]?.id;
  const last = page[page.length - 1]?.id;
  return {
    object: "list",
    data: page as ResponseItem[],
    first_id: typeof first === "string" ? first : null,
    last_id: typeof last === "string" ? last : null,
    has_more: start + limit < ordered.length,
  };
}
