import type { ResponseStore, StoredResponse } from "./response-store.js";

/** Stored responses in this process only (the SDK, tests); copies in and out, like a database. */
export class MemoryResponseStore implements ResponseStore {
  private readonly responses = new Map<string, StoredResponse>();

  async save(response: StoredResponse): Promise<void> {
    this.responses.set(response.responseId, structuredClone(response));
  }

  async find(responseId: string): Promise<StoredResponse | undefined> {
    const found = this.responses.get(responseId);
    return found === undefined ? undefined : structuredClone(found);
  }

  async delete(responseId: string): Promise<boolean> {
    return this.responses.delete(responseId);
  }
}
