import { describe, expect, it } from "vitest";
import { totalTokensOf } from "./attempt.js";
import { MemoryRouterState } from "./state/memory-state.js";
import { chatRequest, createTestRouter, deployment } from "./testing.js";

/** A state whose request counting takes long enough for the client to leave meanwhile. */
class LeavingClientState extends MemoryRouterState {
  constructor(private readonly controller: AbortController) {
    super();
  }

  override async startRequest(id: string, minute: number): Promise<number> {
    const count = await super.startRequest(id, minute);
    this.controller.abort(new Error("the client closed the connection"));
    return count;
  }
}

describe("attempts", () => {
  it("frees the in-flight slot when the client left between selection and the call", async () => {
    const controller = new AbortController();
    const state = new LeavingClientState(controller);
    const { router, fake } = createTestRouter([deployment("gpt", "openai/a", {}, { id: "a" })], { state });
    const outcome = await router.route("chat", chatRequest("gpt"), { signal: controller.signal });
    expect(outcome.ok).toBe(false);
    expect(fake.calls).toHaveLength(0);
    await new Promise((resolve) => setImmediate(resolve));
    const [usage] = await state.read(["a"], 0);
    expect(usage?.inFlight).toBe(0);
  });
});

describe("the tokens an answer used, for a deployment's tpm", () => {
  it("reads chat usage, a Responses stream's last event, and Anthropic's input + output", () => {
    expect(totalTokensOf({ usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } })).toBe(7);
    expect(
      totalTokensOf({
        type: "response.completed",
        response: { usage: { input_tokens: 5, output_tokens: 6, total_tokens: 11 } },
      }),
    ).toBe(11);
    expect(totalTokensOf({ type: "message", usage: { input_tokens: 2, output_tokens: 9 } })).toBe(11);
    expect(totalTokensOf({ type: "response.output_text.delta", delta: "hi" })).toBeUndefined();
    expect(totalTokensOf({ usage: null })).toBeUndefined();
    expect(totalTokensOf("[DONE]")).toBeUndefined();
  });
});
