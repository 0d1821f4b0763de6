/**
 * A small fake Discord on 127.0.0.1 for end-to-end tests with the real discord.js client: an HTTP
 * server for the REST API (…/api/v10/…) and a WebSocket gateway on the same port. It records every
 * REST call, checks it against Discord's own OpenAPI spec, answers errors as Discord does (rate
 * limits, late or repeated interaction responses), and lets a test send interactions.
 */
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { DiscordSpec } from "./discordSpec.js";

export const APP_ID = "111111111111111111";
export const BOT_USER = { id: APP_ID, username: "Verbatim", discriminator: "0", global_name: null, avatar: null, bot: true };
export const ASKER = { id: "222222222222222222", username: "asker", discriminator: "0", global_name: "Asker", avatar: null };
export const OTHER_USER = { id: "333333333333333333", username: "other", discriminator: "0", global_name: "Other", avatar: null };
export const CHANNEL_ID = "444444444444444444";

/** Discord answers an interaction only if its first response arrives within 3 seconds. */
export const INTERACTION_RESPONSE_WINDOW_MS = 3_000;

type User = typeof ASKER;

/** Two servers (guilds) for tests of each server's own articles. */
export const GUILD_A = "880000000000000001";
export const GUILD_B = "880000000000000002";
/** Discord's permission bits, as a member's `permissions` string carries them. */
export const PERMISSIONS = Object.freeze({ none: "0", manageGuild: String(1n << 5n), administrator: String(1n << 3n), sendMessages: String(1n << 11n) });

/** Where an interaction comes from: a server (with the member's permissions in the channel), or a DM when absent. */
export interface InGuild {
  guildId: string;
  /** The member's permissions in the channel, as Discord computes them (overwrites applied): a decimal bit set. */
  permissions?: string;
}

/** When the fake should treat an interaction as created: `ageSeconds` before it is sent. */
export interface InteractionTiming {
  ageSeconds?: number;
}

/** A response a test asked for instead of the usual one. */
interface Scripted {
  test: (r: RecordedRequest) => boolean;
  times: number;
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/** One REST call the client made. */
export interface RecordedRequest {
  method: string;
  /** Path after /api/v10, with %40original decoded. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  /** Media type of the body without parameters ("" without a body). */
  contentType: string;
  /** Parsed JSON; for multipart, payload_json's fields plus "files[n]": "<n bytes>". */
  body: any;
  at: number;
  /** The status the fake answered with (set once answered). */
  status?: number;
}

let counter = 0;
/** A fresh snowflake-like id. */
export function snowflake(): string {
  counter++;
  return (BigInt(Date.now() - 1420070400000) * 4194304n + BigInt(counter)).toString();
}

/** An interaction token shaped like Discord's: long, URL-safe base64. */
function interactionToken(id: string): string {
  return Buffer.from(`interaction:${id}:${randomBytes(48).toString("hex")}`).toString("base64url");
}

export class FakeDiscord {
  readonly requests: RecordedRequest[] = [];
  /** Requests that Discord's spec says Discord would reject, one line each (see takeViolations). */
  readonly violations: string[] = [];
  /** Tokens the bot identified with on the gateway. */
  readonly identifies: string[] = [];
  private readonly sockets = new Set<WebSocket>();
  /** The shard each gateway connection identified as ([id, count]), in order of identifying. */
  readonly shards = new Map<WebSocket, [number, number]>();
  private readonly waiters: { test: (r: RecordedRequest) => boolean; resolve: (r: RecordedRequest) => void }[] = [];
  private sequence = 0;
  /** Holds the response to matching REST calls until `release` is called (to keep an interaction in flight). */
  hold: ((r: RecordedRequest) => boolean) | undefined;
  private held: (() => void)[] = [];
  private readonly scripted: Scripted[] = [];
  /** When each interaction (by token) was created, and whether it has been responded to. */
  private readonly interactions = new Map<string, { createdAt: number; acknowledged: boolean }>();
  /** Discord's API specification, each request is checked against; none when the fake only measures (see the constructor). */
  private spec: DiscordSpec | undefined;
  private server!: Server;
  private wss!: WebSocketServer;
  port = 0;

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  constructor(
    /**
     * Whether to check each request against Discord's API specification (the tests do). A
     * benchmark turns it off: the check costs the fake a few milliseconds of CPU per request,
     * which would count in the times it measures.
     */
    private readonly checkSpec = true,
  ) {}

  async start(): Promise<this> {
    if (this.checkSpec) this.spec = DiscordSpec.load();
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

  /** Lets held responses go, and forgets the scripted ones not used yet (see failNext). */
  release(): void {
    this.hold = undefined;
    this.scripted.length = 0;
    for (const go of this.held.splice(0)) go();
  }

  /** Returns and clears the spec violations seen so far; a test asserts the list is empty. */
  takeViolations(): string[] {
    return this.violations.splice(0);
  }

  /** Answers the next `times` REST calls matching `test` with `status` and a JSON `body` instead of the usual answer. */
  failNext(test: (r: RecordedRequest) => boolean, status: number, body: unknown, { times = 1, headers = {} }: { times?: number; headers?: Record<string, string> } = {}): void {
    this.scripted.push({ test, times, status, body, headers });
  }

  /** Answers the next REST call matching `test` with Discord's 429, asking the client to wait `seconds`. */
  rateLimitNext(test: (r: RecordedRequest) => boolean, seconds: number): void {
    const resetAt = Date.now() / 1000 + seconds;
    this.failNext(test, 429, { message: "You are being rate limited.", retry_after: seconds, global: false }, {
      headers: {
        // Discord rounds the header up to whole seconds; the body and the x-ratelimit headers are exact.
        "retry-after": String(Math.ceil(seconds)),
        "x-ratelimit-limit": "5",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": resetAt.toFixed(3),
        "x-ratelimit-reset-after": seconds.toFixed(3),
        "x-ratelimit-bucket": randomBytes(16).toString("hex"),
        "x-ratelimit-scope": "user",
      },
    });
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

  /** Sends a slash command as INTERACTION_CREATE (to every connection, or only to one shard's); returns the interaction's id and token. */
  sendCommand(name: string, options: { name: string; type: number; value?: unknown; options?: unknown[] }[] = [], user: User = ASKER, timing: InteractionTiming = {}, shard?: number, where?: InGuild): { id: string; token: string } {
    const { id, token } = this.newInteraction(timing);
    this.dispatch(
      "INTERACTION_CREATE",
      {
        ...this.interactionBase(id, token, user, where),
        type: 2,
        data: { id: snowflake(), name, type: 1, options },
      },
      shard,
    );
    return { id, token };
  }

  /** The shard ids identified so far, sorted. */
  get identifiedShards(): number[] {
    return [...this.shards.values()].map(([id]) => id).sort((a, b) => a - b);
  }

  /** Sends a button click on a message the bot sent (as its PATCH body, with `id` to click the same message again), by `user`. */
  sendButton(customId: string, message: { id?: string; content?: string; embeds?: unknown[]; components?: unknown[] }, askedBy: User = ASKER, user: User = ASKER, timing: InteractionTiming = {}, where?: InGuild): { id: string; token: string } {
    const { id, token } = this.newInteraction(timing);
    this.dispatch("INTERACTION_CREATE", {
      ...this.interactionBase(id, token, user, where),
      type: 3,
      data: { custom_id: customId, component_type: 2 },
      message: {
        id: message.id ?? snowflake(),
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

  /**
   * Sends a message command (type 3, right-click → Apps → `name`) on a message someone wrote, as
   * Discord does: the message whole in `data.resolved.messages`, its content included without the
   * Message Content intent (Discord sends the target message's content to the app).
   */
  sendMessageCommand(name: string, target: { content: string; embeds?: unknown[]; attachments?: unknown[]; author?: User }, user: User = ASKER, where?: InGuild): { id: string; token: string } {
    const { id, token } = this.newInteraction({});
    const messageId = snowflake();
    const message = {
      id: messageId,
      channel_id: CHANNEL_ID,
      author: target.author ?? OTHER_USER,
      content: target.content,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: target.attachments ?? [],
      embeds: target.embeds ?? [],
      pinned: false,
      type: 0,
      flags: 0,
    };
    this.dispatch("INTERACTION_CREATE", {
      ...this.interactionBase(id, token, user, where),
      type: 2,
      data: { id: snowflake(), name, type: 3, target_id: messageId, resolved: { messages: { [messageId]: message } } },
    });
    return { id, token };
  }

  /** Sends an autocomplete request (type 4) while `user` types `value` into option `focused` of a command (`subcommand` for one of its subcommands). */
  sendAutocomplete(name: string, focused: string, value: string, user: User = ASKER, where?: InGuild, subcommand?: string): { id: string; token: string } {
    const { id, token } = this.newInteraction({});
    const option = { name: focused, type: 3, value, focused: true };
    this.dispatch("INTERACTION_CREATE", {
      ...this.interactionBase(id, token, user, where),
      type: 4,
      data: { id: snowflake(), name, type: 1, options: subcommand ? [{ name: subcommand, type: 1, options: [option] }] : [option] },
    });
    return { id, token };
  }

  private newInteraction({ ageSeconds = 0 }: InteractionTiming): { id: string; token: string } {
    const id = snowflake();
    const token = interactionToken(id);
    this.interactions.set(token, { createdAt: Date.now() - ageSeconds * 1000, acknowledged: false });
    return { id, token };
  }

  /** What every interaction carries: in a DM, the user; in a server, the guild and the member (with their permissions) instead. */
  private interactionBase(id: string, token: string, user: User, where?: InGuild) {
    const base = { id, token, application_id: APP_ID, channel_id: CHANNEL_ID, version: 1, locale: "en-US", app_permissions: "0", entitlements: [], authorizing_integration_owners: {} };
    if (!where) return { ...base, user, context: 1 };
    const member = { user, roles: [], permissions: where.permissions ?? PERMISSIONS.sendMessages, joined_at: new Date(0).toISOString(), deaf: false, mute: false, flags: 0, nick: null, avatar: null, premium_since: null, pending: false, communication_disabled_until: null };
    return { ...base, guild_id: where.guildId, guild_locale: "en-US", guild: { id: where.guildId, locale: "en-US", features: [] }, member, context: 0 };
  }

  private dispatch(t: string, d: unknown, shard?: number): void {
    const payload = JSON.stringify({ op: 0, t, s: ++this.sequence, d });
    for (const socket of this.sockets) if (shard === undefined || this.shards.get(socket)?.[0] === shard) socket.send(payload);
  }

  private gateway(socket: WebSocket): void {
    this.sockets.add(socket);
    socket.on("close", () => {
      this.sockets.delete(socket);
      this.shards.delete(socket);
    });
    socket.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41_250 } }));
    socket.on("message", (raw) => {
      const message = JSON.parse(String(raw)) as { op: number; d: any };
      if (message.op === 1) socket.send(JSON.stringify({ op: 11 }));
      if (message.op === 2) {
        this.identifies.push(String(message.d.token));
        const shard: [number, number] = Array.isArray(message.d.shard) ? [Number(message.d.shard[0]), Number(message.d.shard[1])] : [0, 1];
        this.shards.set(socket, shard);
        const ready = { v: 10, user: BOT_USER, guilds: [], session_id: `session-${snowflake()}`, resume_gateway_url: `ws://127.0.0.1:${this.port}`, shard, application: { id: APP_ID, flags: 0 } };
        socket.send(JSON.stringify({ op: 0, t: "READY", s: ++this.sequence, d: ready }));
      }
    });
  }

  private async rest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // When the request arrived, before its body is read.
    const at = Date.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? "/", `http://127.0.0.1:${this.port}`);
    const path = decodeURIComponent(url.pathname.replace(/^\/api\/v10/, ""));
    const contentType = raw.length === 0 ? "" : (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    const body = raw.length === 0 ? undefined : await parseBody(raw, String(req.headers["content-type"]));
    const record: RecordedRequest = { method: req.method ?? "GET", path, query: url.searchParams, headers: req.headers, contentType, body, at };
    this.requests.push(record);
    if (!url.pathname.startsWith("/api/v10/")) this.violations.push(`${record.method} ${url.pathname}: not under /api/v10`);
    else if (this.spec) this.violations.push(...this.spec.check({ method: record.method, path, query: url.searchParams, contentType, body, authorization: req.headers.authorization }));
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
    const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
      r.status = status;
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(value));
    };
    const empty = () => {
      r.status = 204;
      res.writeHead(204);
      res.end();
    };
    const script = this.scripted.find((s) => s.times > 0 && s.test(r));
    if (script) {
      script.times--;
      if (script.times === 0) this.scripted.splice(this.scripted.indexOf(script), 1);
      return json(script.status, script.body, script.headers);
    }
    if (r.method === "GET" && r.path === "/gateway/bot") {
      return json(200, { url: `ws://127.0.0.1:${this.port}`, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } });
    }
    if (r.method === "GET" && r.path === "/gateway") return json(200, { url: `ws://127.0.0.1:${this.port}` });
    const callback = /^\/interactions\/\d+\/([^/]+)\/callback$/.exec(r.path);
    if (r.method === "POST" && callback) {
      const interaction = this.interactions.get(callback[1]!);
      if (!interaction || r.at - interaction.createdAt > INTERACTION_RESPONSE_WINDOW_MS) return json(404, { message: "Unknown interaction", code: 10062 });
      if (interaction.acknowledged) return json(400, { message: "Interaction has already been acknowledged.", code: 40060 });
      interaction.acknowledged = true;
      return empty();
    }
    const webhook = /^\/webhooks\/\d+\/([^/]+)(\/messages\/@original)?$/.exec(r.path);
    if (webhook) {
      // An interaction's webhook exists only once the interaction has been responded to.
      const interaction = this.interactions.get(webhook[1]!);
      if (interaction && !interaction.acknowledged) return json(404, { message: "Unknown Webhook", code: 10015 });
      if (r.method === "DELETE") return empty();
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

/** A request body as the fake records it: JSON parsed; multipart as payload_json's fields plus its files' sizes. */
async function parseBody(raw: Buffer, contentType: string): Promise<unknown> {
  if (contentType.includes("json")) return JSON.parse(raw.toString("utf8"));
  if (!contentType.startsWith("multipart/form-data")) return raw.toString("utf8");
  const form = await new Response(raw, { headers: { "content-type": contentType } }).formData();
  const body: Record<string, unknown> = {};
  for (const [name, value] of form) {
    if (name === "payload_json") Object.assign(body, JSON.parse(String(value)));
    else body[name] = typeof value === "string" ? value : `<${value.size} bytes>`;
  }
  return body;
}
