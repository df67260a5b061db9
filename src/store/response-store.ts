/** Stored Responses API responses: the record and the repository interface. */

export interface StoredResponse {
  /** `resp_...`, the response's own id. */
  responseId: string;
  /** The owning virtual key's hash; null when the master key (or an open proxy) made it. */
  apiKey: string | null;
  model: string | null;
  status: string;
  /** The response object as the client got it. */
  response: Record<string, unknown>;
  /** The items of this request's `input`, each with an id (what `input_items` lists). */
  inputItems: Record<string, unknown>[];
  /** Every item the response answered: the previous responses' context and output, then inputItems. */
  contextItems: Record<string, unknown>[];
  createdAt: string;
}

export interface ResponseStore {
  /** Adds a response, or replaces the one with its id. */
  save(response: StoredResponse): Promise<void>;
  find(responseId: string): Promise<StoredResponse | undefined>;
  /** True when there was one to delete. */
  delete(responseId: string): Promise<boolean>;
}
