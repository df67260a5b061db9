import type { CallEvent } from "./call-event.js";
import { parseHeaderList, postJson } from "./http-post.js";
import { standardPayloadOf } from "./standard-payload.js";

export interface Exporter {
  readonly name: string;
  /** Events per POST (1: one POST per request). */
  readonly batchSize: number;
  send(batch: CallEvent[]): Promise<void>;
}

/** `generic_api`: one JSON POST per request, the standard payload, to `GENERIC_LOGGER_ENDPOINT`. */
export function createGenericApiExporter(env: NodeJS.ProcessEnv): Exporter {
  const endpoint = env.GENERIC_LOGGER_ENDPOINT;
  if (endpoint === undefined || endpoint === "")
    throw new Error("the generic_api callback needs GENERIC_LOGGER_ENDPOINT");
  const headers = parseHeaderList(env.GENERIC_LOGGER_HEADERS);
  return {
    name: "generic_api",
    batchSize: 1,
    send: async (batch) => {
      for (const event of batch) await postJson(endpoint, headers, standardPayloadOf(event));
    },
  };
}
