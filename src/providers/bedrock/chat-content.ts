import { BadRequestError } from "../../errors/index.js";
import type { ContentPart } from "../../openai/types.js";
import { BEDROCK_PROVIDER_ID } from "./api.js";
import { type ConverseContentBlock, type ImageFormat, isRecord } from "./wire.js";

const IMAGE_FORMATS: Readonly<Record<string, ImageFormat>> = {
  "image/png": "png",
  "image/jpeg": "jpeg",
  "image/jpg": "jpeg",
  "image/gif": "gif",
  "image/webp": "webp",
};

const IMAGE_EXTENSIONS: Readonly<Record<string, ImageFormat>> = {
  png: "png",
  jpg: "jpeg",
  jpeg: "jpeg",
  gif: "gif",
  webp: "webp",
};

/** The document formats Converse takes, by media type. */
const DOCUMENT_FORMATS: Readonly<Record<string, string>> = {
  "application/pdf": "pdf",
  "text/csv": "csv",
  "application/msword": "doc",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
  "application/vnd.ms-excel": "xls",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
  "text/html": "html",
  "text/plain": "txt",
  "text/markdown": "md",
};

export const CACHE_POINT = { cachePoint: { type: "default" } } as const;

/** Numbers documents within one request: Converse wants their names unique. */
export interface ContentContext {
  documentCount: number;
}

function refuse(message: string): BadRequestError {
  return new BadRequestError({ message, param: "messages", provider: BEDROCK_PROVIDER_ID });
}

interface DataUrl {
  mediaType: string;
  base64: string;
}

function parseDataUrl(url: string): DataUrl | undefined {
  const match = /^data:([^;,]+)((?:;[^;,]+)*);base64,/i.exec(url);
  if (match === null) return undefined;
  return { mediaType: (match[1] ?? "").toLowerCase(), base64: url.slice(match[0].length) };
}

/** Converse's document names: letters, digits, spaces, hyphens, parentheses and brackets only. */
function documentName(filename: string | undefined, context: ContentContext): string {
  context.documentCount += 1;
  const stem = (filename ?? "").replace(/\.[^.]*$/, "").replace(/[^A-Za-z0-9\s\-()[\]]/g, "-");
  const name = stem.trim() === "" ? `document ${context.documentCount}` : stem;
  return context.documentCount > 1 && filename !== undefined ? `${name} (${context.documentCount})` : name;
}

function documentBlock(data: DataUrl, filename: string | undefined, context: ContentContext) {
  const format = DOCUMENT_FORMATS[data.mediaType];
  if (format === undefined)
    throw refuse(
      `bedrock cannot take a ${data.mediaType} file (Converse takes images and ${Object.values(DOCUMENT_FORMATS).join(", ")} documents)`,
    );
  return { document: { format, name: documentName(filename, context), source: { bytes: data.base64 } } };
}

/**
 * An `image_url` part: a data URL becomes the image's bytes (a PDF or other document data URL a
 * document), an `s3://` URI an S3 location. An http(s) URL is refused: Converse takes no image
 * URL, and fetching one is not a transform's business (send the image as a data URL).
 */
function imageBlock(part: Record<string, unknown>, context: ContentContext): ConverseContentBlock {
  const field = part.image_url;
  const url = typeof field === "string" ? field : isRecord(field) ? field.url : undefined;
  if (typeof url !== "string" || url === "") throw refuse("an image_url content part needs a url");
  const data = parseDataUrl(url);
  if (data !== undefined) {
    const format = IMAGE_FORMATS[data.mediaType];
    if (format !== undefined) return { image: { format, source: { bytes: data.base64 } } };
    return documentBlock(data, undefined, context);
  }
  if (url.startsWith("s3://")) {
    const extension = url.split(".").at(-1)?.toLowerCase() ?? "";
    const format = IMAGE_EXTENSIONS[extension];
    if (format === undefined)
      throw refuse(`bedrock cannot tell the image format of ${url} (png, jpeg, gif or webp)`);
    return { image: { format, source: { s3Location: { uri: url } } } };
  }
  throw refuse(
    "bedrock cannot fetch an image URL: send the image as a data URL (data:image/png;base64,...) or an s3:// URI",
  );
}

function fileBlock(part: Record<string, unknown>, context: ContentContext): ConverseContentBlock {
  const file = isRecord(part.file) ? part.file : {};
  const fileData = typeof file.file_data === "string" ? file.file_data : undefined;
  const data = fileData === undefined ? undefined : parseDataUrl(fileData);
  if (data === undefined)
    throw refuse("bedrock takes a file content part as file_data (a base64 data URL), not a file_id");
  const filename = typeof file.filename === "string" ? file.filename : undefined;
  const format = IMAGE_FORMATS[data.mediaType];
  if (format !== undefined) return { image: { format, source: { bytes: data.base64 } } };
  return documentBlock(data, filename, context);
}

function partBlock(part: Record<string, unknown>, context: ContentContext): ConverseContentBlock | undefined {
  switch (part.type) {
    case "text":
      return typeof part.text === "string" && part.text !== "" ? { text: part.text } : undefined;
    case "image_url":
      return imageBlock(part, context);
    case "file":
      return fileBlock(part, context);
    default:
      throw refuse(`bedrock cannot take a ${String(part.type)} content part`);
  }
}

/**
 * A message's content -> Converse blocks: text, images and documents; `cache_control` on a part
 * adds a cache point after it. Empty text is left out (Converse refuses blank text).
 */
export function toContentBlocks(
  content: string | ContentPart[] | null | undefined,
  context: ContentContext,
): ConverseContentBlock[] {
  if (content === null || content === undefined) return [];
  if (typeof content === "string") return content === "" ? [] : [{ text: content }];
  const blocks: ConverseContentBlock[] = [];
  for (const part of content) {
    if (!isRecord(part)) throw refuse("a content part must be an object");
    const block = partBlock(part, context);
    if (block !== undefined) blocks.push(block);
    if (part.cache_control !== undefined && part.cache_control !== null) blocks.push(CACHE_POINT);
  }
  return blocks;
}

/** The text of system content (Converse's system takes text and cache points only). */
export function toSystemBlocks(
  content: string | ContentPart[] | null | undefined,
): Array<{ text: string } | typeof CACHE_POINT> {
  if (content === null || content === undefined) return [];
  if (typeof content === "string") return content === "" ? [] : [{ text: content }];
  const blocks: Array<{ text: string } | typeof CACHE_POINT> = [];
  for (const part of content) {
    if (!isRecord(part) || part.type !== "text") throw refuse("a system message takes text parts only");
    if (typeof part.text === "string" && part.text !== "") blocks.push({ text: part.text });
    if (part.cache_control !== undefined && part.cache_control !== null) blocks.push(CACHE_POINT);
  }
  return blocks;
}
