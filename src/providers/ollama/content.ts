import { BadRequestError } from "../../errors/index.js";
import type { ChatMessage } from "../../openai/types.js";
import type { Provider } from "./params.js";
import { isRecord } from "./wire.js";

const DATA_URL = /^data:[^,]*;base64,/i;

/** The text and images of one message's content (a string, or text and image_url parts). */
export interface MessageContent {
  texts: string[];
  /** Base64, without the `data:` prefix, as Ollama takes them. */
  images: string[];
}

function refuse(message: string, provider: Provider, model: string): BadRequestError {
  return new BadRequestError({ message, param: "messages", provider, model });
}

/**
 * An image_url -> Ollama's base64 image. Ollama reads images only inline: a data URL is cut to its
 * base64; an http(s) URL is refused rather than fetched by the gateway.
 */
function imageOf(part: Record<string, unknown>, provider: Provider, model: string): string {
  const image = part.image_url;
  const url = typeof image === "string" ? image : isRecord(image) ? image.url : undefined;
  if (typeof url !== "string" || url === "") throw refuse("an image_url part needs a url", provider, model);
  const prefix = DATA_URL.exec(url);
  if (prefix !== null) return url.slice(prefix[0].length);
  throw refuse(
    `${provider} takes images inline only: send the image as a base64 data URL (data:image/png;base64,...), not ${url.startsWith("http") ? "an http URL" : "this URL"}`,
    provider,
    model,
  );
}

/** A message's content as texts and images; parts Ollama cannot take (audio, files) are refused. */
export function readContent(message: ChatMessage, provider: Provider, model: string): MessageContent {
  const { content } = message;
  if (content === undefined || content === null) return { texts: [], images: [] };
  if (typeof content === "string") return { texts: [content], images: [] };
  if (!Array.isArray(content))
    throw refuse("a message's content must be a string or a list of parts", provider, model);
  const texts: string[] = [];
  const images: string[] = [];
  for (const part of content) {
    if (!isRecord(part)) continue;
    if (part.type === "text" && typeof part.text === "string") texts.push(part.text);
    else if (part.type === "image_url") images.push(imageOf(part, provider, model));
    else throw refuse(`${provider} cannot take a "${String(part.type)}" content part`, provider, model);
  }
  return { texts, images };
}
