// A webhook receiver that misbehaves on purpose, for the hostile suite: `endless` answers 200 and then
// streams its body without end; `redirect` answers 307 to another host (which logs any request it gets).
// usage: node --import tsx webhookReceiver.ts CONFIG.json   (prints "ready" once both listen)
import { appendFileSync, readFileSync } from "node:fs";
import { createServer } from "node:http";

export interface ReceiverConfig {
  mode: "endless" | "redirect";
  host: string;
  port: number;
  /** Where `redirect` sends the POST: another host. */
  elsewhere: { host: string; port: number };
  log: string;
}

const config = JSON.parse(readFileSync(process.argv[2] ?? "", "utf8")) as ReceiverConfig;
const log = (entry: object): void => appendFileSync(config.log, `${JSON.stringify(entry)}\n`);
const chunk = Buffer.alloc(64 * 1024, "z");

const receiver = createServer((request, response) => {
  log({ event: "request", to: "receiver", method: request.method ?? "", url: request.url ?? "" });
  request.resume();
  if (config.mode === "redirect") {
    response.writeHead(307, { location: `http://${config.elsewhere.host}:${config.elsewhere.port}/stolen` }).end();
    return;
  }
  response.writeHead(200, { "content-type": "application/octet-stream" });
  const pump = (): void => {
    while (!response.destroyed && response.write(chunk));
    if (!response.destroyed) response.once("drain", pump);
  };
  pump();
});
const elsewhere = createServer((request, response) => {
  log({ event: "request", to: "elsewhere", method: request.method ?? "", url: request.url ?? "" });
  request.resume();
  response.end("thanks");
});
await Promise.all([
  new Promise<void>((resolve) => receiver.listen(config.port, config.host, resolve)),
  new Promise<void>((resolve) => elsewhere.listen(config.elsewhere.port, config.elsewhere.host, resolve)),
]);
process.stdout.write("ready\n");
