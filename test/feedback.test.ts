import { spawnSync } from "node:child_process";
import { appendFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FeedbackStore, nextChoice, VOTES_FILE, voterOf, type Click } from "../src/app/feedback.js";
import { PROJECT_ROOT } from "../src/config.js";
import { tempDir } from "./helpers.js";

/** A question and quote that try everything JSON and a terminal could trip on. */
const HOSTILE_QUESTION = 'what did "Putin" say\n\u001b[2J about <@123> **the** treaty 🧑🏽‍🚒 \u202E?';
const click = (over: Partial<Click> = {}): Click => ({ answer: "m1", user: "222222222222222222", choice: "wrong", question: HOSTILE_QUESTION, article: "voa", start: 10, end: 40, quote: "Putin said \"it is historic\" \u001b[31m.", ...over });

describe("a person's vote on an answer", () => {
  it("is set by a click, taken back by the same click again, and changed by the other", () => {
    expect(nextChoice(undefined, "wrong")).toBe("wrong");
    expect(nextChoice("wrong", "wrong")).toBe("none");
    expect(nextChoice("none", "wrong")).toBe("wrong");
    expect(nextChoice("wrong", "right")).toBe("right");
  });
});

describe("the feedback store", () => {
  it("keeps one vote per person per answer, and the other people's and answers' apart", async () => {
    const store = await FeedbackStore.open(await tempDir("verbatim-feedback-"));
    expect(await store.record(click())).toBe("wrong");
    expect(await store.record(click({ choice: "right" }))).toBe("right");
    expect(await store.record(click({ choice: "right" }))).toBe("none");
    expect(await store.record(click({ user: "333333333333333333" }))).toBe("wrong");
    expect(await store.record(click({ answer: "m2" }))).toBe("wrong");
    const current = [...store.votes()];
    expect(current.map((vote) => vote.vote).sort()).toEqual(["none", "wrong", "wrong"]);
    expect([...store.votesOn({ article: "voa", start: 10, end: 40 })]).toHaveLength(3);
    expect([...store.votesOn({ article: "voa", start: 11, end: 40 })]).toHaveLength(0);
    expect(store.hasWrongVotes).toBe(true);
  });

  it("survives a restart: appended JSON lines, read back exactly, hostile text included", async () => {
    const dir = await tempDir("verbatim-feedback-");
    const first = await FeedbackStore.open(dir);
    await first.record(click());
    await first.record(click({ user: "333333333333333333", choice: "right" }));
    const again = await FeedbackStore.open(dir);
    const votes = [...again.votes()];
    expect(votes).toHaveLength(2);
    expect(votes[0]).toMatchObject({ question: HOSTILE_QUESTION, quote: click().quote, vote: "wrong", article: "voa", start: 10, end: 40 });
    // The same click after the restart takes the vote back: the state was read, not only the file kept.
    expect(await again.record(click())).toBe("none");
    const lines = (await readFile(join(dir, VOTES_FILE), "utf8")).trim().split("\n");
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });

  it("stores a hash of each voter, never the Discord id", async () => {
    const dir = await tempDir("verbatim-feedback-");
    await (await FeedbackStore.open(dir)).record(click());
    const text = await readFile(join(dir, VOTES_FILE), "utf8");
    expect(text).not.toContain("222222222222222222");
    expect(text).toContain(voterOf("222222222222222222"));
    expect(voterOf("222222222222222222")).not.toBe(voterOf("333333333333333333"));
  });

  it("records clicks that arrive together one after the other, none lost", async () => {
    const dir = await tempDir("verbatim-feedback-");
    const store = await FeedbackStore.open(dir);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.record(click({ user: `user-${i}` }))));
    expect(results.every((choice) => choice === "wrong")).toBe(true);
    expect((await readFile(join(dir, VOTES_FILE), "utf8")).trim().split("\n")).toHaveLength(20);
    const same = await Promise.all([store.record(click({ user: "9", answer: "m9" })), store.record(click({ user: "9", answer: "m9" }))]);
    expect(same).toEqual(["wrong", "none"]);
  });

  it("skips, counts and reports a line cut short by a crash or edited by hand, and keeps the rest", async () => {
    const dir = await tempDir("verbatim-feedback-");
    await (await FeedbackStore.open(dir)).record(click());
    await appendFile(join(dir, VOTES_FILE), '{"v":1,"at":"2026-01-01T00:00:00Z","answer":"m1","vo\nnot json at all\n{"v":1}\n');
    const warnings: string[] = [];
    const store = await FeedbackStore.open(dir, { warn: (_fields: unknown, message: string) => warnings.push(message) } as never);
    expect(store.unreadableLines).toBe(3);
    expect([...store.votes()]).toHaveLength(1);
    expect(warnings[0]).toMatch(/cannot be read/);
  });

  it("starts a new line after a torn last line, so the next vote survives a restart", async () => {
    const dir = await tempDir("verbatim-feedback-");
    await (await FeedbackStore.open(dir)).record(click());
    // A crash (or a full disk) in the middle of a write: a last line with no newline.
    await appendFile(join(dir, VOTES_FILE), '{"v":1,"at":"2026-01-01T00:00:00Z","answer":"m7","vo');
    const afterCrash = await FeedbackStore.open(dir);
    expect(afterCrash.unreadableLines).toBe(1);
    expect(await afterCrash.record(click({ user: "444444444444444444", answer: "m8", choice: "right" }))).toBe("right");
    const restarted = await FeedbackStore.open(dir);
    expect(restarted.unreadableLines).toBe(1);
    expect([...restarted.votes()].map((vote) => [vote.answer, vote.vote])).toEqual([
      ["m1", "wrong"],
      ["m8", "right"],
    ]);
  });

  it("starts empty when there is no folder yet, and says what to do when it cannot read or write", async () => {
    const dir = join(await tempDir("verbatim-feedback-"), "not", "yet");
    const store = await FeedbackStore.open(dir);
    expect([...store.votes()]).toEqual([]);
    const file = join(await tempDir("verbatim-feedback-"), "a-file");
    await writeFile(file, "");
    await expect(FeedbackStore.open(join(file, "feedback"))).rejects.toThrow(/Cannot read the feedback in .*: check that the bot may read it, or set FEEDBACK_DIR to another folder/);
    // The folder becomes a file while the bot runs: the vote fails, saying what to do, and the next one goes through once it is fixed.
    await mkdir(join(dir, ".."), { recursive: true });
    await writeFile(dir, "");
    await expect(store.record(click())).rejects.toThrow(/Cannot save the vote in .*: check that the bot may write there, or set FEEDBACK_DIR/);
    await rm(dir);
    expect(await store.record(click())).toBe("wrong");
    expect([...(await FeedbackStore.open(dir)).votes()]).toHaveLength(1);
  });
});

describe("npm run feedback", () => {
  const run = (args: string[], dir: string) => spawnSync(process.execPath, ["--import", "tsx", "src/cli/feedback.ts", ...args], { cwd: PROJECT_ROOT, env: { ...process.env, FEEDBACK_DIR: dir }, encoding: "utf8", timeout: 60_000 });

  it("lists the quotes marked wrong, most first, with their questions, and which are moved down", async () => {
    const dir = await tempDir("verbatim-feedback-");
    const store = await FeedbackStore.open(dir);
    for (const user of ["1", "2", "3"]) await store.record(click({ user, answer: `m${user}`, question: "what did Putin say" }));
    await store.record(click({ user: "4", answer: "m4", article: "dw", start: 0, end: 12, quote: "Other quote.", question: "who signed" }));
    await store.record(click({ user: "5", answer: "m5", article: "dw", start: 0, end: 12, quote: "Other quote.", choice: "right", question: "who signed" }));
    const human = run([], dir);
    expect(human.status).toBe(0);
    expect(human.stdout).toMatch(/^5 votes from 5 people: 2 quotes marked wrong, 1 moved down for similar questions/);
    expect(human.stdout).toMatch(/moved down · 3 wrong, 0 right · voa, characters 10–40\n  “Putin said "it is historic" ␛\[31m\.”\n  for “what did Putin say” \(3 wrong, 0 right, moved down\)/);
    expect(human.stdout).toContain("1 wrong, 1 right · dw, characters 0–12");
    expect(human.stdout).not.toMatch(/\u001b/);
    const json = JSON.parse(run(["--json"], dir).stdout);
    expect(json).toMatchObject({ votes: 5, people: 5, unreadableLines: 0 });
    expect(json.markedWrong.map((quote: { article: string; demoted: boolean }) => [quote.article, quote.demoted])).toEqual([["voa", true], ["dw", false]]);
  });

  it("says there is nothing yet without a vote", async () => {
    const { status, stdout } = run([], join(await tempDir("verbatim-feedback-"), "none"));
    expect(status).toBe(0);
    expect(stdout).toMatch(/^No votes yet in .*votes\.jsonl\./);
  });
});
