/**
 * The wire check itself: Discord's spec, as test/discordSpec.ts reads it, refuses what Discord
 * would refuse, so a clean end-to-end run means something.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { DiscordSpec, UNDECLARED_FIELDS, type WireRequest } from "./discordSpec.js";

const CALLBACK = "/interactions/1234567890123456789/aW50ZXJhY3Rpb246dG9rZW4/callback";
const ORIGINAL = "/webhooks/111111111111111111/aW50ZXJhY3Rpb246dG9rZW4/messages/@original";
const FOLLOW_UP = "/webhooks/111111111111111111/aW50ZXJhY3Rpb246dG9rZW4";

let spec: DiscordSpec;
beforeAll(() => {
  spec = DiscordSpec.load();
});

function request(method: string, path: string, body?: unknown, extra: Partial<WireRequest> = {}): WireRequest {
  return { method, path, query: new URLSearchParams(), contentType: body === undefined ? "" : "application/json", body, authorization: undefined, ...extra };
}

describe("DiscordSpec.check", () => {
  it("accepts what the bot sends: a deferral, a private note, an edit with embeds and buttons, a follow-up", () => {
    const embed = { description: "“A quote.”\n\n— *Title* · Outlet · 2025-01-17", footer: { text: "high confidence" }, color: 0x5865f2 };
    const buttons = [{ type: 1, components: [{ type: 2, style: 2, label: "More", custom_id: "ask:1:20250101-000000000-000000" }] }];
    const requests = [
      request("POST", CALLBACK, { type: 5, data: { flags: 64 } }),
      request("POST", CALLBACK, { type: 4, data: { content: "Please wait 3 seconds.", flags: 64, allowed_mentions: { parse: [] }, tts: false, enforce_nonce: false } }),
      request("PATCH", ORIGINAL, { content: "**Q**", embeds: [embed], components: buttons, allowed_mentions: { parse: [] }, tts: false, enforce_nonce: false }),
      request("POST", FOLLOW_UP, { content: "Sorry", flags: 64, allowed_mentions: { parse: [] }, tts: false, enforce_nonce: false }),
      request("DELETE", ORIGINAL),
      request("GET", "/gateway/bot", undefined, { authorization: "Bot abc.def.ghi" }),
    ];
    for (const each of requests) expect(spec.check(each)).toEqual([]);
  });

  it("refuses a route Discord does not have, and a method the route does not take", () => {
    expect(spec.check(request("POST", "/interactions/1/abc/reply", {}))).toEqual(["POST /interactions/1/abc/reply: Discord's API has no such route"]);
    expect(spec.check(request("PUT", CALLBACK, { type: 5 }))[0]).toMatch(/does not take PUT/);
  });

  it("refuses a field the spec does not declare, even one nested in an embed", () => {
    expect(spec.check(request("PATCH", ORIGINAL, { content: "x", embeds: [{ description: "d", colour: 1 }] }))).toEqual([
      `PATCH ${ORIGINAL} (update_original_webhook_message): body.embeds[0] has field "colour", which Discord does not declare`,
    ]);
    expect(spec.check(request("POST", CALLBACK, { type: 5, data: { flags: 64, ephemeral: true } }))).toEqual([`POST ${CALLBACK} (create_interaction_response): body.data has field "ephemeral", which Discord does not declare`]);
  });

  it("lets the named discord.js fields through only on the operations they are named for", () => {
    expect(UNDECLARED_FIELDS.every((allowed) => allowed.reason.length > 0)).toBe(true);
    expect(spec.check(request("PATCH", ORIGINAL, { content: "x", tts: false }))).toEqual([]);
    expect(spec.check(request("POST", CALLBACK, { type: 5, data: { flags: 64 }, enforce_nonce: false }))[0]).toMatch(/body has field "enforce_nonce"/);
  });

  it("refuses what breaks Discord's limits: 2,001 characters of content, 11 embeds, an unknown callback type", () => {
    expect(spec.check(request("PATCH", ORIGINAL, { content: "x".repeat(2001) }))[0]).toMatch(/body\.content must NOT have more than 2000 characters/);
    expect(spec.check(request("PATCH", ORIGINAL, { embeds: Array.from({ length: 11 }, () => ({ description: "d" })) }))[0]).toMatch(/body\.embeds must NOT have more than 10 items/);
    expect(spec.check(request("POST", CALLBACK, { type: 42 }))).toEqual([`POST ${CALLBACK} (create_interaction_response): body is none of the 7 kinds the spec allows here (check its "type")`]);
    expect(spec.check(request("POST", CALLBACK, { type: 4, data: { allowed_mentions: { parse: ["nobody"] } } }))).toEqual([`POST ${CALLBACK} (create_interaction_response): body.data.allowed_mentions.parse[0] must be one of "users", "roles", "everyone"`]);
  });

  it("checks query parameters, path parameters, content type and the bot token", () => {
    expect(spec.check(request("POST", FOLLOW_UP, { content: "x" }, { query: new URLSearchParams("wait=true") }))).toEqual([]);
    expect(spec.check(request("POST", FOLLOW_UP, { content: "x" }, { query: new URLSearchParams("wait=maybe&colour=red") }))).toEqual([
      `POST ${FOLLOW_UP} (execute_webhook): query parameter wait="maybe": must be boolean`,
      `POST ${FOLLOW_UP} (execute_webhook): unknown query parameter colour`,
    ]);
    expect(spec.check(request("POST", "/interactions/not-a-snowflake/abc/callback", { type: 5 }))[0]).toMatch(/path parameter interaction_id="not-a-snowflake"/);
    expect(spec.check(request("POST", CALLBACK, { type: 5 }, { contentType: "text/plain" }))[0]).toMatch(/does not accept content type "text\/plain"/);
    expect(spec.check(request("GET", "/gateway/bot"))).toEqual(["GET /gateway/bot (get_bot_gateway): needs an Authorization: Bot <token> header"]);
  });
});
