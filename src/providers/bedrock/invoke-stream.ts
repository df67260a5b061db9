import { InternalServerError } from "../../errors/index.js";
import { isRecord } from "./wire.js";

/**
 * One event of InvokeModelWithResponseStream, as the event-stream decoder gives it
 * (`{"chunk": {"bytes": "<base64>"}}`) -> the model's own event inside it (for Claude, one
 * Anthropic Messages stream event). Events of other types carry nothing of the answer.
 */
export function invokeStreamEventOf(event: unknown, eventName: string | undefined): unknown[] {
  if (!isRecord(event) || (eventName !== undefined && eventName !== "chunk")) return [];
  const chunk = event.chunk;
  if (!isRecord(chunk)) return [];
  if (typeof chunk.bytes !== "string")
    throw new InternalServerError({ message: "bedrock sent a stream chunk without its bytes" });
  const text = Buffer.from(chunk.bytes, "base64").toString("utf8");
  try {
    return [JSON.parse(text)];
  } catch {
    throw new InternalServerError({
      message: `bedrock sent a stream chunk that is not JSON: ${text.slice(0, 200)}`,
    });
  }
}
