/**
 * The logger keeps secrets out of every line: tokens in URLs and messages, request bodies, headers,
 * whatever the error and however deep it sits.
 */
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, redactSecrets, sanitizeForLog } from "../src/log.js";

const BOT_TOKEN = "MTExMTExMTExMTExMTExMTEx.GxYzAb.fake-token-secret-0123456789abcdefghij";
const INTERACTION_TOKEN = "aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OTpzZWNyZXQtc2VjcmV0LXNlY3JldC1zZWNyZXQ";
const QUESTION = "is my neighbour’s divorce in the articles @everyone";
const SECRETS = [BOT_TOKEN, INTERACTION_TOKEN, QUESTION];

/** An error shaped like discord.js's DiscordAPIError, made worse: secrets in every field it has. */
function hostileError(): Error {
  const inner = Object.assign(new Error(`webhook refused for ${BOT_TOKEN}`), {
    url: `https://discord.com/api/v10/webhooks/111111111111111111/${INTERACTION_TOKEN}/messages/@original`,
    requestBody: { files: undefined, json: { content: QUESTION } },
  });
  const outer = Object.assign(new Error("Unknown interaction", { cause: inner }), {
    name: "DiscordAPIError[10062]",
    status: 404,
    code: 10062,
    method: "POST",
    url: `https://discord.com/api/v10/interactions/222222222222222222/${INTERACTION_TOKEN}/callback`,
    requestBody: { files: undefined, json: { type: 4, data: { content: QUESTION } } },
    rawError: { message: "Unknown interaction", code: 10062, echo: QUESTION },
    headers: { authorization: `Bot ${BOT_TOKEN}` },
    config: { token: BOT_TOKEN, nested: { deeper: { question: QUESTION } } },
  });
  Object.defineProperty(outer, "explodes", { enumerable: true, get: () => { throw new Error("getter"); } });
  // A cycle: the inner error's cause is the outer one.
  (inner as Error & { cause?: unknown }).cause = outer;
  return outer;
}

function logLines(write: (logger: ReturnType<typeof createLogger>) => void): string[] {
  const lines: string[] = [];
  const logger = createLogger("info", new Writable({ write: (chunk, _encoding, done) => (lines.push(...String(chunk).split("\n").filter(Boolean)), done()) }));
  write(logger);
  return lines;
}

function expectNoSecrets(text: string): void {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

describe("redactSecrets", () => {
  it("replaces the token in interaction and webhook URLs and bare bot tokens, keeping the rest", () => {
    expect(redactSecrets(`POST https://discord.com/api/v10/interactions/123/${INTERACTION_TOKEN}/callback?with_response=false`)).toBe("POST https://discord.com/api/v10/interactions/123/[token]/callback?with_response=false");
    expect(redactSecrets(`/webhooks/111/${INTERACTION_TOKEN}/messages/@original`)).toBe("/webhooks/111/[token]/messages/@original");
    expect(redactSecrets(`Bot ${BOT_TOKEN} was refused`)).toBe("Bot [token] was refused");
  });

  it("leaves ordinary text, file paths and version numbers alone", () => {
    for (const text of ["the new index cannot be loaded", "/tmp/verbatim-index/builds/20250101-000000000-000000/vectors.f32", "discord.js 14.28.1", "v1.2.3"]) expect(redactSecrets(text)).toBe(text);
  });
});

describe("sanitizeForLog", () => {
  it("keeps what failed from a hostile error (status, code, method, URL without its token) and drops the request", () => {
    const safe = sanitizeForLog({ err: hostileError() }) as { err: Record<string, any> };
    expectNoSecrets(JSON.stringify(safe));
    expect(safe.err).toMatchObject({ type: "Error", status: 404, code: 10062, method: "POST", url: "https://discord.com/api/v10/interactions/222222222222222222/[token]/callback" });
    expect(safe.err.message).toBe("Unknown interaction: webhook refused for [token]");
    expect(safe.err.stack).toContain("caused by: Error: webhook refused for [token]");
    expect(safe.err.cause.url).toBe("https://discord.com/api/v10/webhooks/111111111111111111/[token]/messages/@original");
    expect(safe.err.requestBody).toBeUndefined();
  });

  it("finds errors nested in objects and arrays, drops secret keys at any depth, and ends cycles", () => {
    const value: Record<string, unknown> = { failure: { attempts: [{ error: hostileError() }] }, deep: { a: { b: { token: BOT_TOKEN, headers: { authorization: BOT_TOKEN } } } }, note: `see /interactions/1/${INTERACTION_TOKEN}/callback` };
    value.self = value;
    const safe = sanitizeForLog(value) as Record<string, any>;
    expectNoSecrets(JSON.stringify(safe));
    expect(safe.failure.attempts[0].error.status).toBe(404);
    expect(safe.deep.a.b).toEqual({ token: "[redacted]", headers: "[redacted]" });
    expect(safe.self).toBe("[circular]");
  });

  it("writes dates and URLs as JSON would, without tokens, and survives objects that throw when read", () => {
    const hostile = new Proxy({}, { ownKeys: () => { throw new Error("no keys for you"); } });
    const safe = sanitizeForLog({ at: new Date(0), url: new URL(`https://discord.com/api/v10/webhooks/1/${INTERACTION_TOKEN}`), hostile }) as Record<string, unknown>;
    expect(safe).toEqual({ at: "1970-01-01T00:00:00.000Z", url: "https://discord.com/api/v10/webhooks/1/[token]", hostile: "[unreadable]" });
  });

  it("serialises an AggregateError that contains itself without looping", () => {
    const aggregate = new AggregateError([hostileError()], "several requests failed");
    (aggregate.errors as unknown[]).push(aggregate);
    const safe = sanitizeForLog(aggregate) as Record<string, any>;
    expectNoSecrets(JSON.stringify(safe));
    expect(safe.aggregateErrors[0].status).toBe(404);
  });
});

describe("createLogger", () => {
  it("writes a hostile error's status and message but none of its secrets, however it is logged", () => {
    const lines = logLines((logger) => {
      logger.error({ err: hostileError(), interaction: "222222222222222222" }, "an interaction failed");
      logger.warn({ error: hostileError() }, "under another key");
      logger.error(hostileError());
      logger.info(`a message naming ${BOT_TOKEN} and /webhooks/1/${INTERACTION_TOKEN}`);
    });
    expect(lines).toHaveLength(4);
    expectNoSecrets(lines.join("\n"));
    const [first, second, third] = lines.map((line) => JSON.parse(line));
    expect(first.err).toMatchObject({ status: 404, code: 10062, method: "POST" });
    expect(first.interaction).toBe("222222222222222222");
    expect(second.error.status).toBe(404);
    expect(third.err.status).toBe(404);
    expect(third.msg).toBe("Unknown interaction");
  });

  it("keeps the message and stack of an ordinary error with its cause, as pino writes them", () => {
    const [line] = logLines((logger) => logger.error({ err: new Error("the new index cannot be loaded", { cause: new Error("vectors.f32 does not match its checksum") }) }, "refused"));
    const { err } = JSON.parse(line!);
    expect(err.type).toBe("Error");
    expect(err.message).toBe("the new index cannot be loaded: vectors.f32 does not match its checksum");
    expect(err.stack).toMatch(/^Error: the new index cannot be loaded\n[\s\S]*caused by: Error: vectors\.f32 does not match its checksum/);
  });
});
