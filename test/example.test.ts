/** The example question of help texts and errors comes from the configuration or the corpus, never from a topic written into the code. */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkQuestion, exampleFor } from "../src/app/answers.js";
import { commandDefinitions, MAX_OPTION_DESCRIPTION, questionDescription } from "../src/bot/commands.js";
import { loadConfig, PROJECT_ROOT } from "../src/config.js";
import { helpReply } from "../src/reply/discord.js";
import { exampleQuestion, MAX_EXAMPLE_LENGTH, questionFromTitle } from "../src/reply/example.js";
import { replyAsText } from "../src/reply/terminal.js";
import { consoleHelp, consoleHow } from "../src/reply/wording.js";

const article = (title: string, published = "") => ({ id: title.toLowerCase().replace(/\W+/g, "-"), title, outlet: "Coast Gazette", published, url: "", body: "", file: "a.md", hash: "" });
/** A corpus about something else than the shipped one. */
const HARBOUR = [article("Harbour deal signed after long talks", "2026-03-02"), article("Storm closes the coastal road", "2026-03-04"), article("City library reopens after renovation")];
const snapshot = (articles: ReturnType<typeof article>[]) => ({ articles: new Map(articles.map((a) => [a.id, a])), manifest: { builtAt: "2026-03-05T00:00:00Z" } }) as unknown as Parameters<typeof helpReply>[0];

describe("the example question", () => {
  it("is EXAMPLE_QUESTION when it is configured", () => {
    expect(exampleQuestion("who won the cup final", HARBOUR)).toBe("who won the cup final");
    expect(loadConfig({ EXAMPLE_QUESTION: "  who won the cup final " }).EXAMPLE_QUESTION).toBe("who won the cup final");
    expect(loadConfig({}).EXAMPLE_QUESTION).toBeUndefined();
    expect(() => loadConfig({ EXAMPLE_QUESTION: "x".repeat(301) })).toThrow(/EXAMPLE_QUESTION: must be a question of at most 300 characters/);
  });

  it("is otherwise made from the newest article's title, whatever the corpus holds", () => {
    expect(exampleQuestion(undefined, HARBOUR)).toBe("what do the articles say about Storm closes the coastal road");
    expect(exampleQuestion(undefined, [...HARBOUR].reverse())).toBe(exampleQuestion(undefined, HARBOUR));
    expect(exampleQuestion(undefined, [])).toBeUndefined();
  });

  it("asks a title that is a question as it is, and prefers a title short enough for /ask's description", () => {
    expect(questionFromTitle("  What does this partnership   mean for Iran’s future? ")).toBe("What does this partnership mean for Iran’s future?");
    const long = article(`A ${"very ".repeat(20)}long headline`, "2026-05-01");
    expect(exampleQuestion(undefined, [long, ...HARBOUR])).toBe("what do the articles say about Storm closes the coastal road");
    expect(exampleQuestion(undefined, [long, article(`An ${"even ".repeat(30)}longer headline`, "2026-06-01")])).toBe(questionFromTitle(long.title));
    expect(questionFromTitle("Storm closes the coastal road").length).toBeLessThanOrEqual(MAX_EXAMPLE_LENGTH);
  });

  it("is in /help, escaped, instead of a topic written into the code", () => {
    const help = helpReply(snapshot([article("**@everyone** wins <@1>", "2026-01-01")]), exampleFor(undefined, snapshot([article("**@everyone** wins <@1>", "2026-01-01")])));
    expect(help.embeds[0]!.description).toContain("e.g. “/ask question: what do the articles say about \\*\\*\\@everyone\\*\\* wins \\<\\@1\\>”");
    const harbour = helpReply(snapshot(HARBOUR), exampleFor(undefined, snapshot(HARBOUR))).embeds[0]!.description!;
    expect(harbour).toContain("“/ask question: what do the articles say about Storm closes the coastal road”");
    expect(harbour).not.toMatch(/treaty|mutual defen/);
    expect(helpReply(snapshot([]), undefined).embeds[0]!.description).toContain("Ask with /ask followed by your question");
  });

  it("is in the console's help, which speaks the console's commands, not Discord's", () => {
    const printed = replyAsText(helpReply(snapshot(HARBOUR), "who won the cup final", consoleHow)) + consoleHelp("who won the cup final");
    expect(printed).toContain("Type a question, e.g. “who won the cup final”.");
    expect(printed).toContain("/ask <question>    the same: quotes that answer it, e.g. /ask who won the cup final");
    expect(printed).toMatch(/good, bad +say the last answer's first quote answers it/);
    expect(printed).not.toMatch(/private: True|More and Back|treaty/);
  });

  it("is in /ask's option description when it fits Discord's 100 characters", () => {
    const ask = commandDefinitions("who won the cup final").find((command) => command.name === "ask")!;
    expect(((ask as { options: { description: string }[] }).options[0]!).description).toBe("What you want to know, e.g. who won the cup final");
    expect(questionDescription("x".repeat(300))).toBe("What you want to know about the articles, in your own words");
    expect(questionDescription(undefined).length).toBeLessThanOrEqual(MAX_OPTION_DESCRIPTION);
    for (const command of commandDefinitions()) expect(JSON.stringify(command)).not.toMatch(/treaty|mutual defen/);
  });

  it("is in the note for an empty question, asked for only then", () => {
    let asked = 0;
    const example = () => (asked++, "who won the cup final");
    expect(checkQuestion("  who won? ", example)).toBe("who won?");
    expect(asked).toBe(0);
    expect(() => checkQuestion(" \n\t ", example)).toThrow("The question is empty: ask something about the articles, e.g. “who won the cup final”.");
    expect(() => checkQuestion("", () => undefined)).toThrow("The question is empty: ask something about the articles.");
  });

  it("is never a topic written into what people are shown", async () => {
    for (const folder of ["reply", "bot", "cli", "app"]) {
      for (const file of await readdir(join(PROJECT_ROOT, "src", folder))) {
        expect(await readFile(join(PROJECT_ROOT, "src", folder, file), "utf8"), `src/${folder}/${file}`).not.toMatch(/mutual defen/i);
      }
    }
  });
});
