import type { KeyRecord, TeamRecord, UserRecord } from "../store/index.js";

/** Who is calling, as the auth hook resolved it from the request's key. */
export type Identity =
  /** The master key: everything is allowed. */
  | { kind: "master" }
  /** No master key is configured: the proxy is open, as LiteLLM's is. */
  | { kind: "open" }
  /** A virtual key, with its user and team when it has them. */
  | {
      kind: "virtual";
      tokenHash: string;
      key: KeyRecord;
      user: UserRecord | undefined;
      team: TeamRecord | undefined;
    };

declare module "fastify" {
  interface FastifyRequest {
    identity: Identity;
  }
}
