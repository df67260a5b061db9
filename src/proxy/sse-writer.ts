import type { ServerResponse } from "node:http";
import type { LlmgateError } from "../errors/index.js";
import { encodeSseEvent, SSE_DONE } from "../http/sse/index.js";

const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  connection: "keep-alive",
  "x-accel-buffering": "no",
};

/**
 * Writes SSE to a raw response, waiting for `drain` so a slow client cannot make us buffer. The
 * relay writes the events of one upstream read at once: one syscall for all of them.
 */
export class SseWriter {
  constructor(private readonly response: ServerResponse) {}

  get isOpen(): boolean {
    return !this.response.destroyed && !this.response.writableEnded;
  }

  /** The status line and headers go out with the first chunk. */
  start(headers: Record<string, string>): void {
    this.response.writeHead(200, Object.assign({}, SSE_HEADERS, headers));
  }

  /** Writes encoded SSE events; resolves once the socket can take more. */
  async write(events: string): Promise<void> {
    if (!this.isOpen) return;
    if (this.response.write(events)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.response.off("drain", done);
        this.response.off("close", done);
        resolve();
      };
      this.response.on("drain", done);
      this.response.on("close", done);
    });
  }

  /** An error after the first byte: one `error` event carrying OpenAI's error body, then the end. */
  fail(error: LlmgateError): void {
    if (!this.isOpen) return;
    this.response.end(encodeSseEvent(JSON.stringify(error.toBody()), "error"));
  }

  /** The stream's last events, if any, and `[DONE]`, in one write. */
  finish(events: string): void {
    if (this.isOpen) this.response.end(events + SSE_DONE);
  }
}
