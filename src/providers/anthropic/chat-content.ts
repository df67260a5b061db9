import { BadRequestError } from "../../errors/index.js";
import type { ChatMessage } from "../../openai/types.js";
import { type AnthropicCacheControl, type AnthropicContentBlock, isRecord } from "./wire.js";

/** `data:<media type>;base64,<data>`. */
const DATA_URL = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/s;

/** An OpenAI content part, read field by field. */
type Part = { type: string } & Record<string, unknown>;

/** Where a content part sits, for the errors that name it (`messages[2].content[1]`). */
export interface PartLocation {
  messageIndex: number;
  partIndex: number;
}

function invalidPart(location: PartLocation, what: string): BadRequestError {
  const param = `messages[${location.messageIndex}].content[${location.partIndex}]`;
  return new BadRequestError({ message: `${param}: ${what}`, param, provider: "anthropic" });
}

function withCacheControl<Block extends AnthropicContentBlock>(block: Block, part: Part): Block {
  const cacheControl = part.cache_control;
  if (isRecord(cacheControl))
    (block as { cache_control?: AnthropicCacheControl }).cache_control = cacheControl;
  return block;
}

/** An image or a PDF from a URL: a data URL becomes a base64 source, any other URL a url source. */
function blockFromUrl(url: string, location: PartLocation): AnthropicContentBlock {
  const data = DATA_URL.exec(url);
  if (data === null) {
    if (url.startsWith("data:")) throw invalidPart(location, "a data URL must be base64-encoded");
    return /\.pdf(?:$|[?#])/i.test(url)
      ? { type: "document", source: { type: "url", url } }
      : { type: "image", source: { type: "url", url } };
  }
  const mediaType = (data[1] as string).toLowerCase();
  const source = { type: "base64" as const, media_type: mediaType, data: data[2] as string };
  return mediaType === "application/pdf" ? { type: "document", source } : { type: "image", source };
}

function imageBlock(part: Part, location: PartLocation): AnthropicContentBlock {
  const imageUrl = part.image_url;
  const url = typeof imageUrl === "string" ? imageUrl : isRecord(imageUrl) ? imageUrl.url : undefined;
  if (typeof url !== "string" || url === "") throw invalidPart(location, "image_url needs a url");
  return blockFromUrl(url, location);
}

/** OpenAI's `file` part: `file_data` as a data URL (a PDF, usually), or a file URL. */
function fileBlock(part: Part, location: PartLocation): AnthropicContentBlock {
  const file = isRecord(part.file) ? part.file : {};
  const data = typeof file.file_data === "string" ? file.file_data : undefined;
  const url = data ?? (typeof file.file_url === "string" ? file.file_url : undefined);
  if (url === undefined) {
    throw invalidPart(
      location,
      "a file part needs file_data (a data URL): Anthropic cannot read OpenAI file ids",
    );
  }
  // `file_data` is a data URL; bare base64 is taken as a PDF, the one file kind both APIs share.
  const isBareBase64 = data !== undefined && !data.startsWith("data:");
  const block = blockFromUrl(isBareBase64 ? `data:application/pdf;base64,${data}` : url, location);
  if (block.type === "document" && typeof file.filename === "string") block.title = file.filename;
  return block;
}

/** One OpenAI content part -> one Anthropic block; a part already in Anthropic's shape passes as is. */
function blockOf(part: Part, location: PartLocation): AnthropicContentBlock {
  switch (part.type) {
    case "text":
      if (typeof part.text !== "string") throw invalidPart(location, "a text part needs text");
      return withCacheControl({ type: "text", text: part.text }, part);
    case "image_url":
      return withCacheControl(imageBlock(part, location), part);
    case "file":
      return withCacheControl(fileBlock(part, location), part);
    case "input_audio":
      throw invalidPart(location, "Anthropic does not take audio input");
    default:
      return part as AnthropicContentBlock;
  }
}

/**
 * A message's content as Anthropic blocks: a string is one text block, an array one block per part.
 * Empty text is left out (Anthropic refuses empty text blocks). A `cache_control` on the message
 * itself marks its last block, as LiteLLM does (Anthropic has no message-level cache_control).
 */
export function contentBlocksOf(message: ChatMessage, messageIndex: number): AnthropicContentBlock[] {
  const { content } = message;
  const blocks: AnthropicContentBlock[] = [];
  if (typeof content === "string") {
    if (content !== "") blocks.push({ type: "text", text: content });
  } else if (Array.isArray(content)) {
    content.forEach((part, partIndex) => {
      if (!isRecord(part) || typeof part.type !== "string") {
        throw invalidPart({ messageIndex, partIndex }, "a content part must be an object with a type");
      }
      const block = blockOf(part as Part, { messageIndex, partIndex });
      if (
        block.type === "text" &&
        (block as { text: string }).text === "" &&
        block.cache_control === undefined
      )
        return;
      blocks.push(block);
    });
  }
  markCacheControl(blocks, message.cache_control);
  return blocks;
}

/** Puts a message-level `cache_control` on its last block (which keeps its own when it has one). */
export function markCacheControl(blocks: AnthropicContentBlock[], cacheControl: unknown): void {
  const last = blocks.at(-1);
  if (last === undefined || !isRecord(cacheControl)) return;
  if (last.type === "thinking" || last.type === "redacted_thinking") return;
  (last as { cache_control?: unknown }).cache_control ??= cacheControl;
}

/** The text of a system message: its string, or its text parts (other parts cannot go in `system`). */
export function systemTextsOf(message: ChatMessage, messageIndex: number): AnthropicContentBlock[] {
  return contentBlocksOf(message, messageIndex).map((block, partIndex) => {
    if (block.type !== "text") {
      throw invalidPart({ messageIndex, partIndex }, "a system message can hold only text for Anthropic");
    }
    return block;
  });
}
