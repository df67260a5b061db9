import type { Dispatcher } from "undici";
import { InternalServerError } from "../errors/index.js";
import type {
  Operation,
  OperationDefinition,
  OperationTypes,
  RepairContext,
  UpstreamTarget,
} from "../providers/types.js";
import { isErrorPayload } from "./error-payload.js";
import { topLevelFields } from "./json-fields.js";
import type { CallResult } from "./types.js";

/**
 * With CallContext.parseLazily, bodies from this size on are scanned for `id` and `usage` instead of
 * parsed (an embeddings response costs ~60us to parse, ~2us to scan); below it JSON.parse is faster.
 */
const LAZY_PARSE_MIN_BYTES = 4096;
const SUMMARY_FIELDS: ReadonlySet<string> = new Set(["id", "usage"]);

type ResponseResult<K extends Operation> = CallResult<K> & { kind: "response" };

function parseBody(text: string, status: number, target: UpstreamTarget): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new InternalServerError({
      message: `${target.providerId} answered ${status} with a body that is not JSON: ${text.slice(0, 200)}`,
      provider: target.providerId,
      model: target.model,
      body: text,
    });
  }
}

/**
 * The body's bytes: its one chunk as it came, else the chunks joined. (undici's bytes() copies even
 * a single chunk into a new ArrayBuffer; that extra off-heap memory per response made V8 run
 * full collections several times a second under load.)
 */
async function readBytes(
  body: Dispatcher.ResponseData["body"],
  maxBytes: number,
  target: UpstreamTarget,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of body) {
    chunks.push(chunk as Buffer);
    length += (chunk as Buffer).length;
    if (length > maxBytes) {
      body.destroy();
      throw new InternalServerError({
        message: `${target.providerId} answered with a body larger than ${maxBytes} bytes (the limit of one answer)`,
        provider: target.providerId,
        model: target.model,
      });
    }
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, length);
}

/** The bytes without a UTF-8 byte order mark, as a Buffer over the same memory. */
function withoutBom(bytes: Uint8Array): Buffer {
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, bytes.byteLength - start);
}

/**
 * Reads a JSON response into `result`: `data` parsed, and `rawBody` when the upstream's bytes say
 * exactly what `data` says (no fromResponse), so that a relay can send them as they came.
 *
 * `isParsedLazily` (a relay): a large body stays bytes (off the JS heap, which matters while many
 * requests are in flight); its `id` and `usage` are read into `summary`, and `data` is parsed only
 * when read.
 */
export async function readResponseBody<K extends Operation>(
  response: Dispatcher.ResponseData,
  operation: OperationDefinition<K>,
  call: RepairContext,
  isParsedLazily: boolean,
  maxBytes: number,
  result: ResponseResult<K>,
  mapErrorBody: (body: Record<string, unknown>) => Error,
): Promise<ResponseResult<K>> {
  const { target } = call;
  type Response = OperationTypes[K]["response"];
  const { body, statusCode: status } = response;
  // A body known to be small is parsed at once, whatever the caller asked: JSON.parse is then the
  // cheaper way, and a short string costs the heap less than a Buffer's memory outside it. A body
  // that may need repair is parsed too (chat and text completions: mostly one string, quick to parse).
  const declaredLength = Number(response.headers["content-length"] ?? Number.NaN);
  const isSmall = declaredLength < LAZY_PARSE_MIN_BYTES;
  const { fromResponse, repairResponse } = operation;
  const mayNeedRepair = repairResponse !== undefined && operation.mayNeedRepair?.(call.sent) !== false;
  if (fromResponse !== undefined || mayNeedRepair || !isParsedLazily || isSmall) {
    const text = withoutBom(await readBytes(body, maxBytes, target)).toString("utf8");
    const parsed = parseBody(text, status, target);
    if (isErrorPayload(parsed)) throw mapErrorBody(parsed);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new InternalServerError({
        message: `${target.providerId} answered ${status} with JSON that is not an object: ${text.slice(0, 200)}`,
        provider: target.providerId,
        model: target.model,
        body: text,
      });
    }
    if (fromResponse !== undefined) {
      result.data = fromResponse(parsed, call);
      return result;
    }
    result.data = parsed as Response;
    const isRepaired =
      mayNeedRepair &&
      (repairResponse as NonNullable<typeof repairResponse>)(parsed as Record<string, unknown>, call);
    result.rawBody = isRepaired ? undefined : text;
    return result;
  }
  const bytes = withoutBom(await readBytes(body, maxBytes, target));
  result.rawBody = bytes;
  // Structure characters are ASCII, so a Latin-1 view finds them at their byte offsets (and costs
  // less than decoding UTF-8); the values taken out are decoded as UTF-8.
  result.summary =
    bytes.length >= LAZY_PARSE_MIN_BYTES
      ? topLevelFields(bytes.toString("latin1"), SUMMARY_FIELDS, (start, end) =>
          bytes.toString("utf8", start, end),
        )
      : undefined;
  const parse = () => parseBody(bytes.toString("utf8"), status, target) as Response;
  if (result.summary === undefined) {
    result.data = parse();
    return result;
  }
  let data: Response | undefined;
  return Object.defineProperty(result, "data", {
    get: () => {
      data ??= parse();
      return data;
    },
    enumerable: true,
  });
}
