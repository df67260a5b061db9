import { connect } from "node:net";

/**
 * Writes `text` as it is to the server at `origin` (`http://host:port`) and resolves with all it
 * answered once it closes the connection: for requests no HTTP client would send.
 */
export function rawExchange(origin: string, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(origin);
    const socket = connect(Number(port), hostname, () => socket.write(text));
    let answer = "";
    socket.on("data", (data: Buffer) => {
      answer += data.toString();
    });
    socket.on("error", reject);
    socket.on("close", () => resolve(answer));
  });
}
