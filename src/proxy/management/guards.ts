import type { onRequestHookHandler } from "fastify";

/** The auth hooks the management routes run before their handler (the app supplies them). */
export interface ManagementGuards {
  /** The master key only (or an open proxy); a virtual key gets 403, no or a bad key 401. */
  adminOnly: onRequestHookHandler;
  /** Any valid key, master or virtual. */
  anyKey: onRequestHookHandler;
}
