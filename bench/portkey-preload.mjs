// node --import bench/portkey-preload.mjs: on Node 20, Portkey 1.15.2 adds its x-portkey-* headers
// to the Response fetch() returned, whose headers are immutable there, so embeddings and streams
// fail with "TypeError: immutable". A new Response around the same body has mutable headers.
const originalFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const answer = await originalFetch(input, init);
  return new Response(answer.body, {
    status: answer.status,
    statusText: answer.statusText,
    headers: answer.headers,
  });
};
