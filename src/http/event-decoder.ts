import { AwsEventStreamDecoder } from "./aws-eventstream/decoder.js";
import { NdjsonDecoder } from "./ndjson/decoder.js";
import { SseDecoder } from "./sse/index.js";

/** How an upstream frames the events of a stream. */
export type StreamFraming = "sse" | "ndjson" | "aws-eventstream";

/** One event of a stream, whatever its framing: a name where the framing gives one, and its text. */
export interface StreamEvent {
  event: string | undefined;
  data: string;
}

/** Bytes in, complete events out; `flush()` at the body's end returns what a last unterminated part held. */
export interface EventDecoder {
  push(bytes: Uint8Array | string): StreamEvent[];
  flush(): StreamEvent[];
}

export function createEventDecoder(framing: StreamFraming): EventDecoder {
  switch (framing) {
    case "sse":
      return new SseDecoder();
    case "ndjson":
      return new NdjsonDecoder();
    case "aws-eventstream":
      return new AwsEventStreamDecoder();
  }
}
