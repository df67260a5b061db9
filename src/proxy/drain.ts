import type { Server, ServerResponse } from "node:http";
import { Server as NetServer, type Socket } from "node:net";
import { ServiceUnavailableError } from "../errors/index.js";

/**
 * How long a connection may sit idle once the proxy drains before it is closed. A client that
 * reuses a keep-alive connection sends its next request within a round trip of the last answer;
 * closing an idle connection at the very moment of the signal races with such a request and
 * resets it, so idle connections get this short grace instead.
 */
const IDLE_GRACE_MS = 500;
/** After the deadline: how long stopped requests have to send their error before sockets are cut. */
const FORCED_STOP_GRACE_MS = 2_000;

export type DrainOutcome = "drained" | "forced";

/** Stops a request that is still open at the drain's deadline, with this error (a clean 503). */
export type ForcedStop = (error: ServiceUnavailableError) => void;

/**
 * Graceful shutdown of one HTTP server: stop accepting, answer what is in flight (and what still
 * arrives on open keep-alive connections, with `connection: close`), close idle connections, and
 * at the deadline stop what is left with a clean error.
 */
export class Drain {
  readonly #server: Server;
  /** Open responses, with how each is stopped at the deadline (when its route said). */
  readonly #inFlight = new Map<ServerResponse, ForcedStop | undefined>();
  readonly #sockets = new Set<Socket>();
  #isDraining = false;
  #onSettled: (() => void) | undefined;

  constructor(server: Server) {
    this.#server = server;
    server.on("connection", (socket: Socket) => {
      this.#sockets.add(socket);
      socket.once("close", () => {
        this.#sockets.delete(socket);
        this.#checkSettled();
      });
      if (this.#isDraining) socket.setTimeout(IDLE_GRACE_MS);
    });
  }

  get isDraining(): boolean {
    return this.#isDraining;
  }

  /** Counts a request as open until its response closes; during a drain it is the connection's last. */
  track(response: ServerResponse): void {
    this.#inFlight.set(response, undefined);
    response.once("close", () => {
      this.#inFlight.delete(response);
      this.#checkSettled();
    });
    if (this.#isDraining) {
      // A request on a connection the drain gave a short idle timer: it must not cut this request.
      response.socket?.setTimeout(0);
      response.shouldKeepAlive = false;
    }
  }

  /** How the route stops this response if it is still open at the deadline (the latest call wins). */
  onForcedStop(response: ServerResponse, stop: ForcedStop): void {
    if (this.#inFlight.has(response)) this.#inFlight.set(response, stop);
  }

  /** Drains; resolves once every request is answered and every connection closed, or at the deadline. */
  async drain(timeoutMs: number): Promise<DrainOutcome> {
    if (!this.#isDraining) this.#start();
    const isSettled = await this.#settled(timeoutMs);
    if (isSettled) return "drained";
    const error = new ServiceUnavailableError({
      message: `llmgate is shutting down: the request did not finish within graceful_shutdown_timeout (${timeoutMs / 1000}s)`,
      code: "proxy_shutting_down",
    });
    for (const stop of this.#inFlight.values()) stop?.(error);
    await this.#settled(FORCED_STOP_GRACE_MS, () => this.#inFlight.size === 0);
    this.#server.closeAllConnections();
    return "forced";
  }

  #start(): void {
    this.#isDraining = true;
    // Answers that end from now on leave their connection with a short idle timer.
    this.#server.keepAliveTimeout = IDLE_GRACE_MS;
    // Stop accepting without http's close(), which also closes idle connections at once (see IDLE_GRACE_MS).
    if (this.#server.listening) NetServer.prototype.close.call(this.#server);
    const busy = new Set<unknown>();
    for (const response of this.#inFlight.keys()) {
      busy.add(response.socket);
      if (!response.headersSent) response.shouldKeepAlive = false;
    }
    for (const socket of this.#sockets) if (!busy.has(socket)) socket.setTimeout(IDLE_GRACE_MS);
  }

  #isIdle(): boolean {
    return this.#inFlight.size === 0 && this.#sockets.size === 0;
  }

  #checkSettled(): void {
    if (this.#isDraining) this.#onSettled?.();
  }

  /** Whether `isDone` (default: nothing open) held within `timeoutMs`. */
  #settled(timeoutMs: number, isDone: () => boolean = () => this.#isIdle()): Promise<boolean> {
    if (isDone()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#onSettled = undefined;
        resolve(false);
      }, timeoutMs);
      this.#onSettled = () => {
        if (!isDone()) return;
        clearTimeout(timer);
        this.#onSettled = undefined;
        resolve(true);
      };
    });
  }
}
