// The bench's fixed bytes: what the nginx mock answers (a chat completion of about 1 KB, an embedding
// of 1536 floats, a stream of 50 SSE events and [DONE]) and what the load generator sends (a chat
// request of about 850 bytes, an embeddings request). Deterministic: the same bytes on every run.
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export const BENCH_MODEL = "bench-model";
export const STREAM_MODEL = "bench-model-stream";
const created = 1_767_000_000;

const answer =
  "Load on a gateway is mostly bookkeeping: it reads the caller's key, checks what the key may still " +
  "spend, picks one of the deployments behind the model name, rewrites the body for that provider, " +
  "sends it on, and relays the answer while it counts tokens and cost. None of that should take " +
  "longer than a fraction of a millisecond, because the model itself needs hundreds of them, and a " +
  "gateway that is slower than its upstream only moves the queue to a place nobody watches.";
const words = answer.split(" ");

/** The mock's answers, keyed by file name under the nginx root's fixtures/ folder. */
export function upstreamFixtures() {
  const usage = {
    prompt_tokens: 151,
    completion_tokens: 92,
    total_tokens: 243,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
  };
  const chat = {
    id: "chatcmpl-llmgate-bench-0001",
    object: "chat.completion",
    created,
    model: BENCH_MODEL,
    system_fingerprint: "fp_llmgate_bench",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: answer, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: "stop",
      },
    ],
    usage,
    service_tier: "default",
  };
  // A fixed linear congruential sequence, printed with the precision OpenAI's floats have.
  let seed = 7;
  const next = () => {
    seed = (seed * 48_271) % 2_147_483_647;
    return seed / 2_147_483_647;
  };
  const embedding = Array.from({ length: 1536 }, () => Number(((next() - 0.5) / 12).toFixed(9)));
  const embeddings = {
    object: "list",
    data: [{ object: "embedding", index: 0, embedding }],
    model: "bench-embedding",
    usage: { prompt_tokens: 64, total_tokens: 64 },
  };
  // 50 events: the role, 47 pieces of content, the finish reason, the usage (include_usage); then [DONE].
  /** @param {unknown[]} choices @param {unknown} [chunkUsage] */
  const event = (choices, chunkUsage) =>
    `data: ${JSON.stringify({
      id: "chatcmpl-llmgate-bench-0002",
      object: "chat.completion.chunk",
      created,
      model: BENCH_MODEL,
      system_fingerprint: "fp_llmgate_bench",
      choices,
      ...(chunkUsage === undefined ? {} : { usage: chunkUsage }),
    })}\n\n`;
  /** @param {Record<string, unknown>} delta @param {string | null} finish */
  const choice = (delta, finish) => [{ index: 0, delta, logprobs: null, finish_reason: finish }];
  let stream = event(choice({ role: "assistant", content: "", refusal: null }, null));
  for (let index = 0; index < 47; index++) {
    stream += event(choice({ content: (index === 0 ? "" : " ") + words[index % words.length] }, null));
  }
  stream += event(choice({}, "stop"));
  stream += event([], { prompt_tokens: 151, completion_tokens: 47, total_tokens: 198 });
  stream += "data: [DONE]\n\n";
  return {
    "chat.json": JSON.stringify(chat),
    "embeddings.json": JSON.stringify(embeddings),
    "stream.sse": stream,
  };
}

/** The number of `data:` events before [DONE] in the mock's stream. */
export const STREAM_EVENTS = 50;

/** The request bodies, by scenario kind. @param {"chat" | "stream" | "embed"} kind */
export function requestBody(kind) {
  if (kind === "embed") {
    return JSON.stringify({
      model: BENCH_MODEL,
      encoding_format: "float",
      input:
        "Rate limits, budgets and routing are cheap when they live in memory; a gateway that asks a " +
        "database on every request has already lost. Count once, write in batches, answer at once.",
    });
  }
  return JSON.stringify({
    model: kind === "stream" ? STREAM_MODEL : BENCH_MODEL,
    stream: kind === "stream",
    ...(kind === "stream" ? { stream_options: { include_usage: true } } : {}),
    temperature: 0.3,
    max_tokens: 300,
    user: "bench-user",
    messages: [
      {
        role: "system",
        content:
          "You answer questions from platform engineers. Be brief: at most five sentences, numbers " +
          "rather than adjectives, and say plainly when you do not know. Never make up references, " +
          "benchmarks or version numbers. When a question has two readings, answer the likelier one " +
          "and name the other in one line at the end.",
      },
      {
        role: "user",
        content:
          "Our services call several model providers through one OpenAI-compatible gateway. What does " +
          "the gateway do for each request, from the moment the bytes arrive to the last byte of the " +
          "answer, and which of those steps costs the most CPU: authentication, limits, routing, the " +
          "request rewrite, the upstream call, relaying a stream, or counting tokens and cost?",
      },
    ],
  });
}

/** Writes the request bodies into `directory`; returns their paths by kind. @param {string} directory */
export function writeRequestBodies(directory) {
  /** @type {Record<"chat" | "stream" | "embed", string>} */
  const paths = { chat: "", stream: "", embed: "" };
  for (const kind of /** @type {const} */ (["chat", "stream", "embed"])) {
    paths[kind] = join(directory, `${kind}.json`);
    writeFileSync(paths[kind], requestBody(kind));
  }
  return paths;
}
