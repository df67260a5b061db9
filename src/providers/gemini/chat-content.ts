import { BadRequestError } from "../../errors/index.js";
import type { ChatMessage, ContentPart } from "../../openai/types.js";
import { type GeminiPart, isRecord } from "./wire.js";

/** File extensions -> MIME types, for an http URL whose type the client did not give. */
const MIME_TYPES: Readonly<Record<string, string>> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  heic: "image/heic",
  heif: "image/heif",
  pdf: "application/pdf",
  txt: "text/plain",
  mp3: "audio/mp3",
  wav: "audio/wav",
  ogg: "audio/ogg",
  flac: "audio/flac",
  mp4: "video/mp4",
  mov: "video/mov",
  webm: "video/webm",
};

const DATA_URL = /^data:([^;,]+)?((?:;[^;,]+)*);base64,(.*)$/s;

function mimeTypeOfUrl(url: string, fallback: string): string {
  let pathname = url;
  try {
    pathname = new URL(url).pathname;
  } catch {
    // not a URL we can parse (gs://bucket/x.png parses; anything else keeps its text)
  }
  const extension = /\.([a-z0-9]+)$/i.exec(pathname)?.[1]?.toLowerCase();
  return (extension === undefined ? undefined : MIME_TYPES[extension]) ?? fallback;
}

function refuse(message: string, model: string): BadRequestError {
  return new BadRequestError({ message, param: "messages", model });
}

/**
 * A URL -> a Gemini part: a base64 data URL as `inline_data`, anything else (http(s), gs://, a
 * Files API URI) as `file_data` with its MIME type (given, else guessed from the extension).
 */
export function toMediaPart(
  url: string,
  givenMimeType: string | undefined,
  fallback: string,
  model: string,
): GeminiPart {
  if (url.startsWith("data:")) {
    const match = DATA_URL.exec(url);
    if (match === null || match[3] === undefined)
      throw refuse("an image data URL must be base64 (data:<type>;base64,...)", model);
    return { inline_data: { mimeType: match[1] ?? givenMimeType ?? fallback, data: match[3] } };
  }
  return { file_data: { mimeType: givenMimeType ?? mimeTypeOfUrl(url, fallback), fileUri: url } };
}

function stringOf(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** One OpenAI content part -> a Gemini part. */
function toGeminiPart(part: ContentPart, model: string): GeminiPart {
  if (part.type === "text") return { text: typeof part.text === "string" ? part.text : "" };
  if (part.type === "image_url") {
    const image = part.image_url;
    const url = typeof image === "string" ? image : isRecord(image) ? stringOf(image.url) : undefined;
    if (url === undefined) throw refuse("an image_url part needs image_url.url", model);
    const format = isRecord(image) ? stringOf(image.format) : undefined;
    return toMediaPart(url, format, "image/jpeg", model);
  }
  if (part.type === "input_audio" && isRecord(part.input_audio)) {
    const data = stringOf(part.input_audio.data);
    if (data === undefined) throw refuse("an input_audio part needs input_audio.data", model);
    const format = stringOf(part.input_audio.format) ?? "wav";
    return { inline_data: { mimeType: `audio/${format}`, data } };
  }
  if (part.type === "file" && isRecord(part.file)) {
    const url = stringOf(part.file.file_data) ?? stringOf(part.file.file_id);
    if (url === undefined) throw refuse("a file part needs file.file_data or file.file_id", model);
    return toMediaPart(url, stringOf(part.file.format), "application/pdf", model);
  }
  throw refuse(`Gemini cannot take a content part of type "${part.type}"`, model);
}

/** A message's content -> Gemini parts (a string is one text part; null or "" is none). */
export function toGeminiParts(content: ChatMessage["content"], model: string): GeminiPart[] {
  if (content === undefined || content === null) return [];
  if (typeof content === "string") return content === "" ? [] : [{ text: content }];
  return content.map((part) => toGeminiPart(part, model));
}

/** A message's content as plain text (tool results, system messages written as text). */
export function textOf(content: ChatMessage["content"]): string {
  if (content === undefined || content === null) return "";
  if (typeof content === "string") return content;
  return content
    .map((part) => (part.type === "text" && typeof part.text === "string" ? part.text : ""))
    .join("");
}
