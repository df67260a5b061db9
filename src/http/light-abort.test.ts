import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Pool } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LightAbortController } from "./light-abort.js";

describe("LightAbortController", () => {
  it("calls each listener once with the signal as this, then never again", () => {
    const controller = new LightAbortController();
    const calls: string[] = [];
    const first = function (this: AbortSignal) {
      calls.push(this === controller.signal ? "first" : "wrong this");
    };
    controller.signal.addEventListener("abort", first);
    controller.signal.addEventListener("abort", first);
    controller.signal.addEventListener("abort", () => calls.push("second"), { once: true });
    controller.signal.onabort = () => calls.push("onabort");
    controller.abort(new Error("stop"));
    controller.abort(new Error("again"));
    expect(calls).toEqual(["first", "second", "onabort"]);
    expect(controller.signal.aborted).toBe(true);
    expect((controller.signal.reason as Error).message).toBe("stop");
    expect(() => controller.signal.throwIfAborted()).toThrow("stop");
  });

  it("does not call a removed listener, and aborts with an AbortError when given no reason", () => {
    const controller = new LightAbortController();
    let isCalled = false;
    const listener = () => {
      isCalled = true;
    };
    controller.signal.addEventListener("abort", listener);
    controller.signal.removeEventListener("abort", listener);
    controller.abort();
    expect(isCalled).toBe(false);
    expect((controller.signal.reason as DOMException).name).toBe("AbortError");
  });

  it("still calls the other listeners when one throws, and reports the error as uncaught", async () => {
    const controller = new LightAbortController();
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    const listeners = process.listeners("uncaughtException");
    process.removeAllListeners("uncaughtException");
    process.on("uncaughtException", onUncaught);
    let isSecondCalled = false;
    try {
      controller.signal.addEventListener("abort", () => {
        throw new Error("listener failed");
      });
      controller.signal.addEventListener("abort", () => {
        isSecondCalled = true;
      });
      controller.abort();
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("uncaughtException", onUncaught);
      for (const listener of listeners) process.on("uncaughtException", listener);
    }
    expect(isSecondCalled).toBe(true);
    expect((uncaught[0] as Error).message).toBe("listener failed");
  });

  describe("as undici's signal", () => {
    let server: Server;
    let pool: Pool;
    beforeAll(async () => {
      // Answers headers at once, then never ends the body.
      server = createServer((_request, response) => {
        response.writeHead(200, { "content-type": "text/plain" });
        response.write("partial");
      });
      server.listen(0, "127.0.0.1");
      await once(server, "listening");
      pool = new Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    });
    afterAll(async () => {
      await pool.destroy();
      server.closeAllConnections();
      server.close();
    });

    it("aborts a request waiting for its body", async () => {
      const controller = new LightAbortController();
      const response = await pool.request({ path: "/", method: "GET", signal: controller.signal });
      const body = response.body.text();
      setTimeout(() => controller.abort(new Error("caller left")), 20);
      await expect(body).rejects.toThrow("caller left");
    });

    it("refuses to start when already aborted", async () => {
      const controller = new LightAbortController();
      controller.abort(new Error("too late"));
      await expect(pool.request({ path: "/", method: "GET", signal: controller.signal })).rejects.toThrow(
        "too late",
      );
    });
  });
});
