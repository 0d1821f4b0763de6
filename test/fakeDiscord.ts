/**
 * A small fake Discord on 127.0.0.1 for end-to-end tests with the real discord.js client: an HTTP
 * server for the REST API (…/api/v10/…) and a WebSocket gateway on the same port. It records every
 * REST call and lets a test send interactions as Discord would.
 */
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";

export const APP_ID = "111111111111111111";
export const BOT_USER = { id: APP_ID, username: "Verbatim", discriminator: "0", global_name: null, avatar: null, bot: true };
export const ASKER = { id: "222222222222222222", username: "asker", discriminator: "0", global_name: "Asker", avatar: null };
export const OTHER_USER = { id: "333333333333333333", username: "other", discriminator: "0", global_name: "Other", avatar: null };
export const CHANNEL_ID = "444444444444444444";

type User = typeof ASKER;

/** One REST call the client made. */
export interface RecordedRequest {
  method: string;
  /** Path after /api/v10, with %40original decoded. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: any;
  at: number;
}

let counter = 0;
/** A fresh snowflake-like id. */
export function snowflake(): string {
  counter++;
  return (BigInt(Date.now() - 1420070400000) * 4194304n + BigInt(counter)).toString();
}

export class FakeDiscord {
  readonly requests: RecordedRequest[] = [];
  /** Tokens the bot identified with on the gateway. */
  readonly identifies: string[] = [];
  private readonly sockets = new Set<WebSocket>();
  private readonly waiters: { test: (r: RecordedRequest) => boolean; resolve: (r: RecordedRequest) => void }[] = [];
  private sequence = 0;
  /** Holds the response to matching REST calls until `release` is called (to keep an interaction in flight). */
  hold: ((r: RecordedRequest) => boolean) | undefined;
  private held: (() => void)[] = [];
  private server!: Server;
  private wss!: WebSocketServer;
  port = 0;

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.rest(req, res));
    this.wss = new WebSocketServer({ server: this.server });
    this.wss.on("connection", (socket) => this.gateway(socket));
    this.server.listen(0, "127.0.0.1");
    await once(this.server, "listening");
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    this.release();
    for (const socket of this.sockets) socket.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** Lets held responses go. */
  release(): void {
    this.hold = undefined;
    for (const go of this.held.splice(0)) go();
  }

  /** Number of gateway connections open now. */
  get connections(): number {
    return this.sockets.size;
  }

  /** Resolves with the first recorded request (past or future) matching `test`, after `since`. */
  waitFor(test: (r: RecordedRequest) => boolean, since = 0, timeoutMs = 20_000): Promise<RecordedRequest> {
    const seen = this.requests.find((r) => r.at >= since && test(r));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the fake Discord did not receive the expected request")), timeoutMs);
      this.waiters.push({
        test: (r) => r.at >= since && test(r),
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      });
    });
  }

  /** Calls made for one interaction (by its token), in order. */
  callsFor(token: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path.includes(`/${token}`));
  }

  /** Waits until a client has identified and got READY. */
  async waitForReady(timeoutMs = 20_000): Promise<void> {
    const started = Date.now();
    while (this.identifies.length === 0 || this.sockets.size === 0) {
      if (Date.now() - started > timeoutMs) throw new Error("no client connected to the fake gateway");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  /** Sends a slash command as INTERACTION_CREATE; returns the interaction's id and token. */
  sendCommand(name: string, options: { name: string; type: number; value: unknown }[] = [], user: User = ASKER): { id: string; token: string } {
    const id = snowflake();
    const token = `itoken-${id}`;
    this.dispatch("INTERACTION_CREATE", {
      ...this.interactionBase(id, token, user),
      type: 2,
      data: { id: snowflake(), name, type: 1, options },
    });
    return { id, token };
  }

  /** Sends a button click on a message the bot sent (as its PATCH body), by `user`. */
  sendButton(customId: string, message: { content?: string; embeds?: unknown[]; components?: unknown[] }, askedBy: User = ASKER, user: User = ASKER): { id: string; token: string } {
    const id = snowflake();
    const token = `itoken-${id}`;
    this.dispatch("INTERACTION_CREATE", {
      ...this.interactionBase(id, token, user),
      type: 3,
      data: { custom_id: customId, component_type: 2 },
      message: {
        id: snowflake(),
        channel_id: CHANNEL_ID,
        author: BOT_USER,
        content: message.content ?? "",
        timestamp: new Date().toISOString(),
        edited_timestamp: null,
        tts: false,
        mention_everyone: false,
        mentions: [],
        mention_roles: [],
        attachments: [],
        embeds: message.embeds ?? [],
        components: message.components ?? [],
        pinned: false,
        type: 20,
        flags: 0,
        application_id: APP_ID,
        interaction_metadata: { id: snowflake(), type: 2, user: askedBy, authorizing_integration_owners: {} },
      },
    });
    return { id, token };
  }

  private interactionBase(id: string, token: string, user: User) {
    return { id, token, application_id: APP_ID, channel_id: CHANNEL_ID, user, version: 1, locale: "en-US", app_permissions: "0", entitlements: [], authorizing_integration_owners: {}, context: 1 };
  }

  private dispatch(t: string, d: unknown): void {
    const payload = JSON.stringify({ op: 0, t, s: ++this.sequence, d });
    for (const socket of this.sockets) socket.send(payload);
  }

  private gateway(socket: WebSocket): void {
    this.sockets.add(socket);
    socket.on("close", () => this.sockets.delete(socket));
    socket.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41_250 } }));
    socket.on("message", (raw) => {
      const message = JSON.parse(String(raw)) as { op: number; d: any };
      if (message.op === 1) socket.send(JSON.stringify({ op: 11 }));
      if (message.op === 2) {
        this.identifies.push(String(message.d.token));
        const ready = { v: 10, user: BOT_USER, guilds: [], session_id: `session-${snowflake()}`, resume_gateway_url: `ws://127.0.0.1:${this.port}`, shard: [0, 1], application: { id: APP_ID, flags: 0 } };
        socket.send(JSON.stringify({ op: 0, t: "READY", s: ++this.sequence, d: ready }));
      }
    });
  }

  private async rest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", `http://127.0.0.1:${this.port}`);
    const path = decodeURIComponent(url.pathname.replace(/^\/api\/v10/, ""));
    let body: unknown = undefined;
    if (text !== "") body = (req.headers["content-type"] ?? "").includes("json") ? JSON.parse(text) : text;
    const record: RecordedRequest = { method: req.method ?? "GET", path, query: url.searchParams, headers: req.headers, body, at: Date.now() };
    this.requests.push(record);
    for (const waiter of [...this.waiters]) {
      if (waiter.test(record)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(record);
      }
    }
    if (this.hold?.(record)) await new Promise<void>((resolve) => this.held.push(resolve));
    this.respond(record, res);
  }

  private respond(r: RecordedRequest, res: ServerResponse): void {
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(value));
    };
    if (r.method === "GET" && r.path === "/gateway/bot") {
      return json(200, { url: `ws://127.0.0.1:${this.port}`, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } });
    }
    if (r.method === "GET" && r.path === "/gateway") return json(200, { url: `ws://127.0.0.1:${this.port}` });
    if (r.method === "POST" && /^\/interactions\/\d+\/[^/]+\/callback$/.test(r.path)) {
      res.writeHead(204);
      return void res.end();
    }
    if (/^\/webhooks\/\d+\/[^/]+(\/messages\/@original)?$/.test(r.path)) {
      if (r.method === "DELETE") {
        res.writeHead(204);
        return void res.end();
      }
      const body = (r.body ?? {}) as Record<string, unknown>;
      return json(200, { id: snowflake(), channel_id: CHANNEL_ID, author: BOT_USER, content: body.content ?? "", embeds: body.embeds ?? [], components: body.components ?? [], timestamp: new Date().toISOString(), edited_timestamp: null, tts: false, mention_everyone: false, mentions: [], mention_roles: [], attachments: [], pinned: false, type: 20, flags: body.flags ?? 0, application_id: APP_ID });
    }
    const commands = /^\/applications\/\d+(\/guilds\/\d+)?\/commands$/.exec(r.path);
    if (commands && r.method === "PUT") {
      return json(200, (r.body as { name: string }[]).map((command) => ({ ...command, id: snowflake(), application_id: APP_ID, version: snowflake() })));
    }
    json(404, { message: "Unknown route in the fake Discord", code: 0 });
  }
}
