export { SseDecoder, type SseEvent } from "./decoder.js";
export { encodeSseData, encodeSseEvent, SSE_DONE } from "./encoder.js";
