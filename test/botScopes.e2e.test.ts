/**
 * One bot, many servers, end to end through the fake Discord: each server's own articles stay
 * its own on every path (/ask, /sources, /help, "Find quotes", the buttons, autocomplete, filter
 * errors), the admin commands are refused to members without Manage Server whatever the
 * command's registered permissions, /add fetches safely within a quota, and /ask's filters.
 * Every request the bot sends is checked against Discord's OpenAPI specification.
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REST, Routes } from "discord.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildConfiguredIndex, loadConfiguredSource } from "../src/app/open.js";
import { commandDefinitions } from "../src/bot/commands.js";
import { closePools } from "../src/index/postgres/database.js";
import { SERVER_NOTICES } from "../src/reply/serverWording.js";
import { NOTICES } from "../src/reply/wording.js";
import { callback, FAKE_TOKEN, finalReply, startBot, type RunningBot } from "./botHarness.js";
import { startFeedServer, type FeedServer } from "./feedServer.js";
import { APP_ID, ASKER, FakeDiscord, GUILD_A, GUILD_B, OTHER_USER, PERMISSIONS, type InGuild } from "./fakeDiscord.js";
import { TREATY_CORPUS, tempDir, testConfig } from "./helpers.js";
import { startTestDatabase, type TestDatabase } from "./testDatabase.js";

const EPHEMERAL = 64;
const IN_A: InGuild = { guildId: GUILD_A };
const IN_B: InGuild = { guildId: GUILD_B };
const ADMIN_IN_A: InGuild = { guildId: GUILD_A, permissions: PERMISSIONS.manageGuild };

/** Server A's own article: every name, word and title in it appears in no other article. */
const ORCHARD = `---
id: marrowby-orchard-grant
title: "Quillfeather orchard cooperative wins heritage grant"
outlet: "Marrowby Courier"
published: 2025-03-10
---
The Quillfeather orchard cooperative in Marrowby received a grant of 80,000 pounds to plant heritage apple trees, its chair Ottoline Vantreese said on Monday.

Vantreese said the cooperative would plant three hundred saplings of forgotten varieties along the river meadows before the autumn frosts.
`;
/** Server B's own article. */
const TRAM = `---
id: dunmere-tram-extension
title: "Tram line extension approved in Dunmere"
outlet: "Dunmere Herald"
published: 2025-02-20
---
The council of Dunmere approved a four-kilometre extension of the tram line to the new hospital, councillor Bartholomew Ashgrove said on Thursday.
`;
/** What of server A must never reach anyone outside it: names, rare words, title and outlet. */
const ONLY_IN_A = ["Quillfeather", "Marrowby", "Ottoline", "Vantreese", "80,000", "saplings", "heritage grant"];
const ONLY_IN_B = ["Dunmere", "Ashgrove", "tram line"];

const ask = (question: string, extra: { name: string; type: number; value: unknown }[] = []) => [{ name: "question", type: 3, value: question }, ...extra];

type Store = "files" | "postgres";
let fake: FakeDiscord;
let feeds: FeedServer;
let shared: string;
const envs = {} as Record<Store, Record<string, string>>;
const databases: TestDatabase[] = [];
const running: RunningBot[] = [];

/** The treaty articles, plus each server's own. */
async function twoServerCorpus(dir: string): Promise<void> {
  await cp(TREATY_CORPUS, dir, { recursive: true });
  await mkdir(join(dir, "servers", GUILD_A), { recursive: true });
  await mkdir(join(dir, "servers", GUILD_B), { recursive: true });
  await writeFile(join(dir, "servers", GUILD_A, "orchard.md"), ORCHARD);
  await writeFile(join(dir, "servers", GUILD_B, "tram.md"), TRAM);
}

beforeAll(async () => {
  fake = await new FakeDiscord().start();
  feeds = await startFeedServer();
  shared = await mkdtemp(join(tmpdir(), "verbatim-scopes-"));
  await twoServerCorpus(join(shared, "corpus"));
  envs.files = { CORPUS_DIR: join(shared, "corpus"), INDEX_DIR: join(shared, "index"), FEEDBACK_DIR: join(shared, "feedback"), FEED_STATE_FILE: join(shared, "data", "feeds.json") };
  const database = await startTestDatabase();
  databases.push(database);
  // Votes of their own: the probe votes on the same message in each store.
  envs.postgres = { ...envs.files, INDEX_DIR: join(shared, "no-file-index"), FEEDBACK_DIR: join(shared, "feedback-postgres"), DATABASE_URL: database.url };
  await buildConfiguredIndex(testConfig(envs.files));
  await buildConfiguredIndex(testConfig(envs.postgres));
}, 120_000);

afterEach(async () => {
  fake.release();
  await Promise.all(running.splice(0).map((bot) => bot.stop()));
  // Everything the bot sent must be a request Discord's own spec accepts.
  expect(fake.takeViolations()).toEqual([]);
});

afterAll(async () => {
  await fake.close();
  await feeds.close();
  await closePools();
  await Promise.all(databases.map((database) => database.stop()));
  await rm(shared, { recursive: true, force: true });
});

async function bot(env: Record<string, string>, extra: Record<string, string> = {}): Promise<RunningBot> {
  const started = await startBot(fake, { ...env, ...extra });
  running.push(started);
  return started;
}

/** The final message of an interaction: the edited reply, a follow-up, or a reply sent at once (the callback's data). */
async function replyOf(token: string): Promise<any> {
  const first = await callback(fake, token);
  if (first.body.type === 4) return first.body.data;
  return (await finalReply(fake, token)).body;
}

/** Everything a person could read in a message. */
function visible(message: any): string {
  return JSON.stringify({ content: message.content, embeds: message.embeds, components: message.components });
}

function expectNothingOf(words: readonly string[], message: any): void {
  const text = visible(message);
  for (const word of words) expect(text, `“${word}” leaked`).not.toContain(word);
}

function buttonId(message: any, label: string): string {
  return message.components[0].components.find((b: any) => b.label === label).custom_id;
}

/** Both stores answer within a scope: each restricts a question to the articles it may see. */
const STORES: Store[] = ["files", "postgres"];

describe.each(STORES)("servers' own articles (%s store)", (store) => {
  let env: Record<string, string>;
  beforeAll(() => {
    env = envs[store];
  });

  it("answers server A from A's articles, and finds nothing of A from server B or a DM on any path", { timeout: 120_000 }, async () => {
    await bot(env);
    const question = "who chairs the Quillfeather orchard cooperative and what grant did it receive";
    // Server A sees its own article.
    const inA = await replyOf(fake.sendCommand("ask", ask(question), ASKER, {}, undefined, IN_A).token);
    expect(visible(inA)).toContain("Ottoline Vantreese");
    expect(visible(inA)).toContain("Marrowby Courier");

    // Server B and a DM: not a word of it, for the same question, a misspelling of A's rare word, and A's names.
    for (const where of [IN_B, undefined]) {
      for (const probe of [question, "tell me about the Quilfeather orchard", "what did Ottoline Vantreese say", "Marrowby Courier heritage grant"]) {
        const reply = await replyOf(fake.sendCommand("ask", ask(probe), ASKER, {}, undefined, where).token);
        expect(reply.embeds.every((embed: any) => !/Quillfeather|Marrowby|Vantreese/.test(embed.description))).toBe(true);
        // Only the question's own words may come back (in its first line, and as a name no article here mentions).
        const [, ...rest] = reply.content.split("\n");
        expectNothingOf(ONLY_IN_A.filter((word) => !probe.includes(word)), { ...reply, content: rest.join("\n") });
        expect(rest.join("\n")).not.toMatch(/did you mean/i);
      }
    }
    // A name only A's article mentions is one no article in B's scope mentions: said so, as for any unknown name.
    const unknownThere = await replyOf(fake.sendCommand("ask", ask("what did Ottoline Vantreese say"), ASKER, {}, undefined, IN_B).token);
    expect(unknownThere.content).toMatch(/never mention “Ottoline” or “Vantreese”/);

    // /sources: each scope's articles and counts only.
    const sourcesIn = async (where?: InGuild) => replyOf(fake.sendCommand("sources", [], ASKER, {}, undefined, where).token);
    const sourcesB = await sourcesIn(IN_B);
    expectNothingOf(ONLY_IN_A, sourcesB);
    expect(sourcesB.embeds[0].description).toContain("Dunmere Herald");
    expect(sourcesB.embeds[0].footer.text).toMatch(/^7 articles, /);
    const sourcesA = await sourcesIn(IN_A);
    expect(sourcesA.embeds[0].description).toContain("Marrowby Courier");
    expectNothingOf(ONLY_IN_B, sourcesA);
    const sourcesDm = await sourcesIn(undefined);
    expect(sourcesDm.embeds[0].footer.text).toMatch(/^6 articles, /);
    expectNothingOf([...ONLY_IN_A, ...ONLY_IN_B], sourcesDm);
    // Its page buttons answer from the scope they are pressed in.
    const paged = await replyOf(fake.sendButton("sources:0", sourcesA, ASKER, ASKER, {}, IN_B).token);
    expectNothingOf(ONLY_IN_A, paged);

    // /help: what it has read, in the scope asked from (counts and outlets), and an example question from no other server's title.
    const helpB = await replyOf(fake.sendCommand("help", [], ASKER, {}, undefined, IN_B).token);
    expect(helpB.embeds[0].description).toMatch(/7 articles from/);
    expectNothingOf(ONLY_IN_A, helpB);

    // "Find quotes" on a message in B about A's article.
    const found = await replyOf(fake.sendMessageCommand("Find quotes", { content: "Has anyone heard about the Quillfeather orchard cooperative grant from Ottoline Vantreese?" }, ASKER, IN_B).token);
    expect(found.embeds.every((embed: any) => !/Quillfeather|Marrowby|Vantreese/.test(embed.description))).toBe(true);

    // A's answer's buttons pressed in B: More answers from B's scope; the vote is refused and records nothing.
    const answered = await replyOf(fake.sendCommand("ask", ask("what did the orchard cooperative in Marrowby receive"), ASKER, {}, undefined, IN_A).token);
    expect(visible(answered)).toContain("Quillfeather");
    const more = answered.components[0].components.find((b: any) => b.label === "More");
    expect(more).toBeDefined();
    expectNothingOf(ONLY_IN_A.filter((word) => word !== "Marrowby"), await replyOf(fake.sendButton(more.custom_id, answered, ASKER, ASKER, {}, IN_B).token));
    // A's second page's Back pressed in B: B's first page, nothing of A.
    const secondInA = await replyOf(fake.sendButton(more.custom_id, answered, ASKER, ASKER, {}, IN_A).token);
    const back = secondInA.components[0].components.find((b: any) => b.label === "Back");
    expect(back).toBeDefined();
    expectNothingOf(ONLY_IN_A.filter((word) => word !== "Marrowby"), await replyOf(fake.sendButton(back.custom_id, secondInA, ASKER, ASKER, {}, IN_B).token));
    const vote = await replyOf(fake.sendButton(buttonId(answered, "Does not answer"), { ...answered, id: "990000000000000001" }, ASKER, OTHER_USER, {}, IN_B).token);
    expect(vote.content).toBe(NOTICES.voteStale);
    // The same vote in A is taken.
    const voteA = await replyOf(fake.sendButton(buttonId(answered, "Does not answer"), { ...answered, id: "990000000000000001" }, ASKER, OTHER_USER, {}, IN_A).token);
    expect(voteA.content).toContain("not answering");
    const votes = (await readFile(join(env.FEEDBACK_DIR!, "votes.jsonl"), "utf8")).trim().split("\n").map((line) => JSON.parse(line));
    expect(votes).toHaveLength(1);
    expect(votes[0].guild).toBe(GUILD_A);

    // Autocomplete and the outlet filter: B is offered and told only B's outlets.
    const outlets = async (where: InGuild | undefined, typed: string) => {
      const { token } = fake.sendAutocomplete("ask", "outlet", typed, ASKER, where);
      const sent = await callback(fake, token);
      expect(sent.body.type).toBe(8);
      return sent.body.data.choices.map((choice: any) => choice.name as string);
    };
    expect(await outlets(IN_A, "")).toContain("Marrowby Courier");
    expect(await outlets(IN_B, "")).not.toContain("Marrowby Courier");
    expect(await outlets(IN_B, "marrow")).toEqual([]);
    expect(await outlets(IN_B, "dun")).toEqual(["Dunmere Herald"]);
    const filtered = await replyOf(fake.sendCommand("ask", ask("what grant was received", [{ name: "outlet", type: 3, value: "Marrowby Courier" }]), ASKER, {}, undefined, IN_B).token);
    expect(filtered.flags).toBe(EPHEMERAL);
    expect(filtered.content).toMatch(/^No article here is from “Marrowby Courier”/);
    expect(filtered.content).toContain("Dunmere Herald");
    // The error names the outlets B sees (the shared ones and its own), none of A's: only what B typed.
    expectNothingOf(ONLY_IN_A.filter((word) => word !== "Marrowby"), filtered);
    expect(filtered.content.match(/Marrowby/g)).toHaveLength(1);
  });
});

describe.each(STORES)("/ask's filters (%s store)", (store) => {
  it("narrows to an outlet and a date range, keeps the filter on More and Back, and says clearly what cannot be read", { timeout: 120_000 }, async () => {
    await bot(envs[store], { ANSWER_WORKERS: "0" });
    const voa = [{ name: "outlet", type: 3, value: "voice of america" }];
    const reply = await replyOf(fake.sendCommand("ask", ask("does the treaty include mutual defence", voa), ASKER, {}, undefined, IN_A).token);
    expect(reply.content.split("\n")[1]).toBe("**Only:** outlet voice of america");
    for (const embed of reply.embeds) expect(embed.description).toMatch(/ · Voice of America · /);
    const more = reply.components[0]?.components.find((b: any) => b.label === "More");
    if (more) {
      const page2 = await replyOf(fake.sendButton(more.custom_id, reply, ASKER, ASKER, {}, IN_A).token);
      expect(page2.content.split("\n")[1]).toBe("**Only:** outlet voice of america");
      for (const embed of page2.embeds) expect(embed.description).toMatch(/ · Voice of America · /);
    }
    // A date range: only articles published within it.
    const dated = await replyOf(fake.sendCommand("ask", ask("who signed the treaty", [{ name: "since", type: 3, value: "2025-01-17" }, { name: "until", type: 3, value: "jan 2025" }]), ASKER, {}, undefined, IN_A).token);
    expect(dated.content.split("\n")[1]).toBe("**Only:** since 2025-01-17 · until 2025-01-31");
    for (const embed of dated.embeds) expect(embed.description).toMatch(/ · 2025-01-(1[7-9]|2\d|3[01])/);
    // What cannot be read, or leaves nothing, is said privately at once, never an empty answer.
    const cases: [{ name: string; type: number; value: unknown }[], RegExp][] = [
      [[{ name: "since", type: 3, value: "the day after the big storm" }], /^Cannot read since "the day after the big storm" as a date: write it like 2025-01-17, jan 2025/],
      [[{ name: "since", type: 3, value: "2031" }], /^No article here is published on or after 2031-01-01/],
      [[{ name: "since", type: 3, value: "feb 2025" }, { name: "until", type: 3, value: "jan 2025" }], /back to front/],
      [[{ name: "outlet", type: 3, value: "The Daily Planet" }], /^No article here is from “The Daily Planet”: the outlets here are /],
    ];
    for (const [options, message] of cases) {
      const note = await callback(fake, fake.sendCommand("ask", ask("who signed the treaty", options), ASKER, {}, undefined, IN_A).token);
      expect(note.body.type).toBe(4);
      expect(note.body.data.flags).toBe(EPHEMERAL);
      expect(note.body.data.content).toMatch(message);
    }
  });
});

describe.each(STORES)("the Find quotes message command (%s store)", (store) => {
  it("answers from a message's text privately, cuts a long one and says so, and explains a message without text", { timeout: 120_000 }, async () => {
    await bot(envs[store], { ANSWER_WORKERS: "0" });
    const asked = fake.sendMessageCommand("Find quotes", { content: "<@333333333333333333> so does the treaty include mutual defence?? https://example.com/x" }, ASKER, IN_A);
    const deferred = await callback(fake, asked.token);
    expect(deferred.body).toEqual({ type: 5, data: { flags: EPHEMERAL } });
    const reply = (await finalReply(fake, asked.token)).body;
    expect(reply.content.split("\n")[0]).toBe("**Q:** so does the treaty include mutual defence??");
    expect(reply.embeds[0].description).toMatch(/mutual defen[cs]e|will not assist the aggressor/);
    // The More button works on it as on /ask's answers.
    const more = reply.components[0].components.find((b: any) => b.label === "More");
    expect(more).toBeDefined();

    const long = `Does the treaty include mutual defence? ${"People keep arguing about this in the channel and nobody has read the actual text of it. ".repeat(8)}`;
    const cut = (await finalReply(fake, fake.sendMessageCommand("Find quotes", { content: long }, ASKER, IN_A).token)).body;
    expect(cut.content.split("\n")[0].length).toBeLessThanOrEqual(310);
    expect(cut.content).toMatch(/-# The message is \d+ characters long; its first \d+ were used as the question\./);
    expect(cut.embeds.length).toBeGreaterThan(0);

    const onlyEmbed = await callback(fake, fake.sendMessageCommand("Find quotes", { content: "", embeds: [{ type: "rich", title: "A picture" }] }, ASKER, IN_A).token);
    expect(onlyEmbed.body).toMatchObject({ type: 4, data: { flags: EPHEMERAL, content: SERVER_NOTICES.messageWithoutText } });
  });
});

// What is registered does not depend on the store: one run.
describe("registering the commands", () => {
  it("registers /add and /feeds for Manage Server only, in servers only, and Find quotes as a message command, as Discord's spec accepts", async () => {
    const rest = new REST({ api: fake.apiUrl }).setToken(FAKE_TOKEN);
    await rest.put(Routes.applicationGuildCommands(APP_ID, GUILD_A), { body: commandDefinitions("who signed the treaty") });
    const put = fake.requests.findLast((r) => r.method === "PUT" && r.path.endsWith(`/guilds/${GUILD_A}/commands`))!;
    const byName = new Map<string, any>(put.body.map((command: any) => [command.name, command]));
    for (const name of ["add", "feeds"]) expect(byName.get(name)).toMatchObject({ default_member_permissions: 32, dm_permission: false, contexts: [0] });
    expect(byName.get("Find quotes")).toMatchObject({ type: 3 });
    expect(byName.get("ask").options.map((o: any) => [o.name, o.autocomplete ?? false])).toEqual([["question", false], ["private", false], ["outlet", true], ["since", false], ["until", false]]);
  });
});

describe.each(STORES)("the admin commands (%s store)", (store) => {
  /**
   * A store of the test's own (an index folder, or a database of its own), on a corpus with both
   * servers' articles. On the PostgreSQL store the index folder is never made: /add's rebuild
   * must go to the database.
   */
  async function ownEnv(extra: Record<string, string> = {}): Promise<Record<string, string>> {
    const root = await tempDir("verbatim-admin-");
    await twoServerCorpus(join(root, "corpus"));
    const env: Record<string, string> = { CORPUS_DIR: join(root, "corpus"), INDEX_DIR: join(root, "index"), FEEDBACK_DIR: join(root, "feedback"), FEED_STATE_FILE: join(root, "data", "feeds.json"), FETCH_ALLOW_PRIVATE_NETWORK: "true", ANSWER_WORKERS: "0", ...extra };
    if (store === "postgres") {
      const database = await startTestDatabase();
      databases.push(database);
      Object.assign(env, { INDEX_DIR: join(root, "no-file-index"), DATABASE_URL: database.url });
    }
    await buildConfiguredIndex(testConfig(env));
    return env;
  }

  /** The ids of the articles the store's current build holds in `guildId`'s folder, read afresh from the store (not the bot's copy). */
  async function storedServerArticles(env: Record<string, string>, guildId: string): Promise<string[]> {
    const source = await loadConfiguredSource(testConfig(env));
    return [...source.articles.values()].filter((article) => article.file.startsWith(`servers/${guildId}/`)).map((article) => article.id);
  }

  it("refuses /add and /feeds to a member without Manage Server even when the server let them use the command, and outside a server", { timeout: 60_000 }, async () => {
    const env = await ownEnv();
    await bot(env);
    const before = feeds.requests.length;
    const url = [{ name: "url", type: 3, value: `${feeds.base}/articles/harbour.html` }];
    // The server has overridden the command's permissions: Discord delivers the interaction anyway.
    for (const where of [IN_A, { guildId: GUILD_A, permissions: PERMISSIONS.sendMessages }]) {
      const refused = await callback(fake, fake.sendCommand("add", url, OTHER_USER, {}, undefined, where).token);
      expect(refused.body).toMatchObject({ type: 4, data: { flags: EPHEMERAL, content: SERVER_NOTICES.notAdmin } });
      const list = await callback(fake, fake.sendCommand("feeds", [{ name: "list", type: 1 }], OTHER_USER, {}, undefined, where).token);
      expect(list.body.data.content).toBe(SERVER_NOTICES.notAdmin);
    }
    const dm = await callback(fake, fake.sendCommand("add", url, OTHER_USER).token);
    expect(dm.body.data.content).toBe(SERVER_NOTICES.guildOnly);
    // Nothing was fetched, nothing written.
    expect(feeds.requests.length).toBe(before);
    expect(existsSync(join(env.CORPUS_DIR!, "servers", GUILD_A, "web"))).toBe(false);
    // An administrator may (Administrator includes Manage Server).
    const admin = fake.sendCommand("add", url, OTHER_USER, {}, undefined, { guildId: GUILD_A, permissions: PERMISSIONS.administrator });
    expect((await callback(fake, admin.token)).body).toEqual({ type: 5, data: { flags: EPHEMERAL } });
    expect((await finalReply(fake, admin.token)).body.content).toContain("Added “Harbour deal signed after long talks”");
  });

  it("adds a page and a feed into the server's own articles, answerable at once there and nowhere else; lists and removes the feed", { timeout: 120_000 }, async () => {
    // With a scoring worker, as `npm start` runs: it must load the rebuilt build before the bot serves it.
    const env = await ownEnv({ INDEX_POLL_SECONDS: "0.2", ANSWER_WORKERS: "1" });
    const { index, pool } = await bot(env);
    await pool!.whenReady();
    const builtBefore = index.source.buildId;
    const storedBefore = await storedServerArticles(env, GUILD_A);
    expect(storedBefore).toHaveLength(1);
    const added = fake.sendCommand("add", [{ name: "url", type: 3, value: `${feeds.base}/articles/harbour.html` }], ASKER, {}, undefined, ADMIN_IN_A);
    const report = (await finalReply(fake, added.token)).body;
    expect(report.content).toContain("Added “Harbour deal signed after long talks”.");
    expect(report.content).toContain("The new articles can be asked about now, in this server only.");
    expect(existsSync(join(env.CORPUS_DIR!, "servers", GUILD_A, "web", "coast-gazette"))).toBe(true);
    // The rebuild went into the configured store (the database, with no index folder made), and the bot serves that build.
    const stored = await storedServerArticles(env, GUILD_A);
    expect(stored).toHaveLength(2);
    expect(stored).toContain(storedBefore[0]);
    expect(await storedServerArticles(env, GUILD_B)).toHaveLength(1);
    expect(existsSync(env.INDEX_DIR!)).toBe(store === "files");
    expect(index.source.buildId).not.toBe(builtBefore);
    expect([...index.source.articles.values()].filter((article) => article.file.startsWith(`servers/${GUILD_A}/`)).map((article) => article.id).sort()).toEqual([...stored].sort());
    const question = "how much will the shipping group invest in cranes";
    const scoredInWorkers = pool!.counts.inWorkers;
    const inA = await replyOf(fake.sendCommand("ask", ask(question), ASKER, {}, undefined, IN_A).token);
    expect(inA.embeds[0].description).toContain("40 million euros");
    expect(visible(inA)).toContain("Coast Gazette");
    // Scored by the worker, on the rebuilt build it loaded (from the database on the PostgreSQL store).
    expect(pool!.counts.inWorkers).toBe(scoredInWorkers + 1);
    // From B and from a DM: not a word of it, nor its outlet in /sources.
    for (const where of [IN_B, undefined]) {
      expectNothingOf(["40 million", "Coast Gazette", "Harbour deal"], await replyOf(fake.sendCommand("ask", ask(question), ASKER, {}, undefined, where).token));
      expectNothingOf(["Coast Gazette", "Harbour deal"], await replyOf(fake.sendCommand("sources", [], ASKER, {}, undefined, where).token));
    }
    // The same page again: already there.
    const again = (await finalReply(fake, fake.sendCommand("add", [{ name: "url", type: 3, value: `${feeds.base}/articles/harbour.html` }], ASKER, {}, undefined, ADMIN_IN_A).token)).body;
    expect(again.content).toContain("Not added: this server already has it");
    expect(again.content).toContain("Nothing new to index.");

    // A feed: its items added, and the feed remembered for the poller.
    const feed = (await finalReply(fake, fake.sendCommand("add", [{ name: "url", type: 3, value: `${feeds.base}/rss.xml` }], ASKER, {}, undefined, ADMIN_IN_A).token)).body;
    expect(feed.content).toMatch(/Feed “Coast Gazette” <http:\/\/127\.0\.0\.1:\d+\/rss\.xml>: 1 new article added, 1 already here/);
    expect(feed.content).toContain("FEEDS_POLL_MINUTES");
    const listed = (await finalReply(fake, fake.sendCommand("feeds", [{ name: "list", type: 1 }], ASKER, {}, undefined, ADMIN_IN_A).token)).body;
    expect(listed.content).toMatch(/This server's own articles: 3 of \d+ articles/);
    expect(listed.content).toContain(`<${feeds.base}/rss.xml>`);
    // B has no feeds, and its autocomplete offers none of A's.
    const listedB = (await finalReply(fake, fake.sendCommand("feeds", [{ name: "list", type: 1 }], ASKER, {}, undefined, { guildId: GUILD_B, permissions: PERMISSIONS.manageGuild }).token)).body;
    expect(listedB.content).toContain("It has no feeds.");
    const offered = async (where: InGuild) => (await callback(fake, fake.sendAutocomplete("feeds", "feed", "rss", ASKER, where, "remove").token)).body.data.choices;
    expect(await offered({ guildId: GUILD_B, permissions: PERMISSIONS.manageGuild })).toEqual([]);
    expect(await offered(IN_A)).toEqual([]);
    expect((await offered(ADMIN_IN_A)).map((c: any) => c.value)).toEqual([`${feeds.base}/rss.xml`]);
    const removed = (await finalReply(fake, fake.sendCommand("feeds", [{ name: "remove", type: 1, options: [{ name: "feed", type: 3, value: `${feeds.base}/rss.xml` }] }], ASKER, {}, undefined, ADMIN_IN_A).token)).body;
    expect(removed.content).toMatch(/^The feed is removed/);
    const gone = (await finalReply(fake, fake.sendCommand("feeds", [{ name: "remove", type: 1, options: [{ name: "feed", type: 3, value: `${feeds.base}/rss.xml` }] }], ASKER, {}, undefined, ADMIN_IN_A).token)).body;
    expect(gone.content).toBe(SERVER_NOTICES.feedNotFound);
  });

  it("refuses an /add once the server's quota is reached, and keeps a feed's items within it", { timeout: 120_000 }, async () => {
    // A has one article of its own; it may have two.
    const env = await ownEnv({ SERVER_MAX_ARTICLES: "2" });
    const { index } = await bot(env);
    const feed = (await finalReply(fake, fake.sendCommand("add", [{ name: "url", type: 3, value: `${feeds.base}/rss.xml` }], ASKER, {}, undefined, ADMIN_IN_A).token)).body;
    expect(feed.content).toMatch(/: 1 new article added/);
    expect(feed.content).toMatch(/1 more article was fetched but not kept: this server already has 2 articles of its own, the most it may have \(2\)/);
    expect([...index.source.articles.values()].filter((article) => article.file.startsWith(`servers/${GUILD_A}/`))).toHaveLength(2);
    expect(await storedServerArticles(env, GUILD_A)).toHaveLength(2);
    const before = feeds.requests.length;
    const full = await finalReply(fake, fake.sendCommand("add", [{ name: "url", type: 3, value: `${feeds.base}/articles/storm.html` }], ASKER, {}, undefined, ADMIN_IN_A).token);
    expect(full.body.content).toMatch(/^Nothing was added: this server already has 2 articles of its own, the most it may have \(2\)\. Ask the bot's operator/);
    expect(feeds.requests.length).toBe(before);
    // B's quota is its own.
    const inB = (await finalReply(fake, fake.sendCommand("add", [{ name: "url", type: 3, value: `${feeds.base}/articles/storm.html` }], ASKER, {}, undefined, { guildId: GUILD_B, permissions: PERMISSIONS.manageGuild }).token)).body;
    expect(inB.content).toContain("Added “Storm closes the coastal road”.");
    expect(inB.content).toContain("The new articles can be asked about now, in this server only.");
    expect(await storedServerArticles(env, GUILD_B)).toHaveLength(2);
  });

  it("tells an admin nothing of another server's files when both add the same page", { timeout: 120_000 }, async () => {
    const env = await ownEnv();
    await bot(env);
    const page = [{ name: "url", type: 3, value: `${feeds.base}/articles/harbour.html` }];
    const inA = (await finalReply(fake, fake.sendCommand("add", page, ASKER, {}, undefined, ADMIN_IN_A).token)).body;
    expect(inA.content).toContain("can be asked about now");
    const inB = (await finalReply(fake, fake.sendCommand("add", page, ASKER, {}, undefined, { guildId: GUILD_B, permissions: PERMISSIONS.manageGuild }).token)).body;
    expect(inB.content).toContain("Added “Harbour deal signed after long talks”.");
    expect(inB.content).toContain("The new articles can be asked about now, in this server only.");
    expect(inB.content).not.toContain(GUILD_A);
    expect(inB.content).not.toContain("servers/");
    expectNothingOf(ONLY_IN_A, inB);
    // Each server has its own copy (two servers' copies never collide), and each answers from it.
    const question = "how much will the shipping group invest in cranes";
    for (const where of [IN_A, IN_B]) expect((await replyOf(fake.sendCommand("ask", ask(question), ASKER, {}, undefined, where).token)).embeds[0].description).toContain("40 million euros");
  });

  it("refuses to fetch from a private network address unless the operator allows it", { timeout: 60_000 }, async () => {
    const env = await ownEnv({ FETCH_ALLOW_PRIVATE_NETWORK: "false" });
    await bot(env);
    const reply = (await finalReply(fake, fake.sendCommand("add", [{ name: "url", type: 3, value: `${feeds.base}/articles/harbour.html` }], ASKER, {}, undefined, ADMIN_IN_A).token)).body;
    expect(reply.content).toMatch(/Could not add <http:\/\/127\.0\.0\.1:\d+\/articles\/harbour\.html>: .*loopback address/);
    expect(reply.content).toContain("Nothing new to index.");
  });
});
