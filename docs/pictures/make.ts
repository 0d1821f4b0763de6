/**
 * Remakes the README's two pictures from the real code: a Discord reply (the payload the bot sends,
 * built by src/reply/discord.ts from a real answer) and the local console (a real `npm start`
 * session on a pseudo-terminal), each drawn as HTML and photographed with headless Chromium.
 *
 *   npx tsx docs/pictures/make.ts [question]
 *
 * Needs `chromium` (Debian: `apt-get install chromium fonts-noto-color-emoji`) and `script`
 * (util-linux). Answers from the treaty articles in test/fixtures/treaty, indexed into a
 * folder of its own, so neither corpus/ nor data/ is touched. Writes discord-reply.png and
 * console.png beside this file; the HTML pages stay in a temporary folder, named on stdout.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Source } from "../../src/corpus/article.js";
import { answerReply, QUOTES_PER_PAGE, type ReplyPayload } from "../../src/reply/discord.js";
import type { Answer } from "../../src/retrieval/answer.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../..");
const QUESTION = process.argv[2] ?? "does the treaty include mutual defence";
const ENV = {
  ...process.env,
  CORPUS_DIR: process.env.PICTURES_CORPUS_DIR ?? "test/fixtures/treaty",
  INDEX_DIR: process.env.PICTURES_INDEX_DIR ?? join(tmpdir(), "verbatim-pictures-index"),
  DISCORD_TOKEN: "",
  LOG_LEVEL: "info",
};
/** Width of both pictures in CSS pixels; they are photographed at twice that for sharp text. */
const PAGE_WIDTH = 760;
const SCALE = 2;
/** Longest wait for the console to answer: loading the model takes a few seconds. */
const CONSOLE_TIMEOUT_MS = 120_000;
/** Columns of the pseudo-terminal the console runs in, and of the drawn terminal. */
const COLUMNS = 92;

const html = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The answer as `npm run ask -- --json` gives it, one quote more than a page, as the bot asks. */
function askJson(question: string): Answer {
  const out = execFileSync("npm", ["run", "-s", "ask", "--", "--json", "--limit", String(QUOTES_PER_PAGE + 1), question], { cwd: ROOT, env: ENV, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  return JSON.parse(out) as Answer;
}

/** The first page of the bot's reply to /ask, with the vote buttons, as src/app/answers.ts builds it. */
function discordPayload(answer: Answer): ReplyPayload {
  const shown = QUOTES_PER_PAGE;
  const sources = new Map<string, Source>(answer.results.map((quote) => [quote.source.id, quote.source]));
  return answerReply({
    answer: { ...answer, results: answer.results.slice(0, shown) },
    page: 0,
    hasMore: answer.answered && answer.results.length > shown,
    buildId: "picture",
    sourceOf: (id) => sources.get(id),
    articleHash: () => "00000000",
  });
}

/** Discord's markdown as the client shows it, for what our payloads use: \-escapes, **bold**, *italic*, <links>. */
function discordMarkdown(text: string): string {
  let out = "";
  let bold = false;
  let italic = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === "\\" && i + 1 < text.length && /[^\p{L}\p{N}\s]/u.test(text[i + 1]!)) out += html(text[++i]!);
    else if (char === "*" && text[i + 1] === "*") {
      out += bold ? "</strong>" : "<strong>";
      bold = !bold;
      i++;
    } else if (char === "*") {
      out += italic ? "</em>" : "<em>";
      italic = !italic;
    } else if (char === "<" && /^<https?:\/\/[^>\s]+>/.test(text.slice(i))) {
      const end = text.indexOf(">", i);
      const url = text.slice(i + 1, end);
      out += `<a>${html(url)}</a>`;
      i = end;
    } else if (char === "\n") out += "<br>";
    else out += html(char);
  }
  return out;
}

/** A page drawn like Discord's dark theme: the slash command, the bot's message, its embeds and buttons. */
function discordPage(payload: ReplyPayload): string {
  const embeds = payload.embeds
    .map((embed) => {
      const colour = `#${(embed.color ?? 0x1e1f22).toString(16).padStart(6, "0")}`;
      const title = embed.title ? `<div class="embed-title">${discordMarkdown(embed.title)}</div>` : "";
      const description = embed.description ? `<div class="embed-description">${discordMarkdown(embed.description)}</div>` : "";
      const footer = embed.footer ? `<div class="embed-footer">${html(embed.footer.text)}</div>` : "";
      return `<div class="embed" style="border-left-color:${colour}">${title}${description}${footer}</div>`;
    })
    .join("");
  const buttons = payload.components
    .map((row) => `<div class="buttons">${row.components.map((button) => `<span class="button ${"style" in button && button.style === 1 ? "primary" : "secondary"}">${"emoji" in button && button.emoji?.name ? `<span class="emoji">${html(button.emoji.name)}</span>` : ""}${html("label" in button ? (button.label ?? "") : "")}</span>`).join("")}</div>`)
    .join("");
  return `<!doctype html><meta charset="utf-8"><style>
  body { margin: 0; background: #313338; font-family: "Liberation Sans", "DejaVu Sans", sans-serif; color: #dbdee1; width: ${PAGE_WIDTH}px; }
  .message { position: relative; padding: 22px 24px 20px 72px; }
  .used { position: relative; font-size: 13px; color: #b5bac1; margin-bottom: 4px; display: flex; align-items: center; gap: 4px; }
  .used::before { content: ""; position: absolute; left: -36px; top: 8px; width: 30px; height: 12px; border-left: 2px solid #4e5058; border-top: 2px solid #4e5058; border-top-left-radius: 6px; }
  .small-avatar { width: 16px; height: 16px; border-radius: 50%; background: #e67e22; display: inline-block; }
  .user { color: #dbdee1; font-weight: bold; }
  .command { color: #00a8fc; }
  .avatar { position: absolute; left: 16px; top: 44px; width: 40px; height: 40px; border-radius: 50%; background: #2b6cb0; color: #fff; font: bold 20px "Liberation Serif", serif; display: flex; align-items: center; justify-content: center; }
  .name { font-size: 16px; font-weight: bold; color: #f2f3f5; }
  .app { background: #5865f2; color: #fff; font-size: 10px; font-weight: bold; padding: 1px 4px; border-radius: 3px; margin-left: 4px; vertical-align: 2px; }
  .time { font-size: 12px; color: #949ba4; margin-left: 6px; }
  .content { font-size: 16px; line-height: 22px; margin: 2px 0 4px; }
  .embed { background: #2b2d31; border-left: 4px solid; border-radius: 4px; max-width: 520px; padding: 10px 16px 14px 12px; margin-top: 6px; box-sizing: border-box; }
  .embed-title { font-weight: bold; font-size: 16px; color: #f2f3f5; margin-bottom: 6px; }
  .embed-description { font-size: 14px; line-height: 19px; }
  .embed-description strong { color: #f2f3f5; }
  .embed-description a { color: #00a8fc; }
  .embed-footer { font-size: 12px; color: #b5bac1; margin-top: 8px; }
  .buttons { display: flex; gap: 8px; margin-top: 8px; }
  .button { height: 32px; padding: 0 16px; border-radius: 3px; font-size: 14px; font-weight: bold; color: #fff; display: inline-flex; align-items: center; gap: 6px; }
  .secondary { background: #4e5058; }
  .primary { background: #5865f2; }
  .emoji { font-family: "Noto Color Emoji"; font-weight: normal; }
</style>
<div class="message">
  <div class="used"><span class="small-avatar"></span><span class="user">newcomer</span> used <span class="command">/ask</span></div>
  <div class="avatar">V</div>
  <div><span class="name">Verbatim</span><span class="app">APP</span><span class="time">Today at 14:02</span></div>
  <div class="content">${discordMarkdown(payload.content)}</div>
  ${embeds}
  ${buttons}
</div>
<script>document.title = String(Math.ceil(document.documentElement.getBoundingClientRect().height));</script>`;
}

/** A real `npm start` session without a Discord token on a pseudo-terminal: one question, then /quit. Raw bytes. */
function consoleSession(question: string): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn("script", ["-qfec", `stty cols ${COLUMNS} rows 60; npm start`, "/dev/null"], { cwd: ROOT, env: { ...ENV, TERM: "xterm-256color" }, stdio: ["pipe", "pipe", "inherit"] });
    const typed = [question, "/quit"];
    let out = "";
    let sent = 0;
    const timer = setTimeout(() => {
      child.kill();
      fail(new Error(`the console did not answer within ${CONSOLE_TIMEOUT_MS / 1000} s; what it printed:\n${out}`));
    }, CONSOLE_TIMEOUT_MS);
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      const prompts = out.split("verbatim> ").length - 1;
      if (prompts > sent && sent < typed.length) {
        const line = typed[sent++]!;
        setTimeout(() => child.stdin.write(`${line}\r`), 300);
      }
    });
    child.on("error", fail);
    child.on("exit", () => {
      clearTimeout(timer);
      done(out);
    });
  });
}

interface Cell {
  char: string;
  bold: boolean;
}

/**
 * The screen lines a terminal would show for `raw`: enough of one to follow readline (carriage
 * return, cursor to a column, clear to the end) and bold; npm's own banner and spinner are left out.
 */
function screenLines(raw: string): Cell[][] {
  const lines: Cell[][] = [];
  let line: Cell[] = [];
  let col = 0;
  let bold = false;
  for (let i = 0; i < raw.length; i++) {
    const char = raw[i]!;
    if (char === "\u001b") {
      const csi = /^\u001b\[([0-9;]*)([A-Za-z])/.exec(raw.slice(i));
      if (!csi) continue;
      i += csi[0].length - 1;
      const [, params = "", code] = csi;
      if (code === "m") {
        for (const p of params.split(";")) {
          if (p === "1") bold = true;
          else if (p === "22" || p === "0" || p === "") bold = false;
        }
      } else if (code === "G") col = Math.max(0, Number(params || "1") - 1);
      else if (code === "J" || code === "K") line = line.slice(0, col);
      continue;
    }
    if (char === "\r") col = 0;
    else if (char === "\n") {
      lines.push(line);
      line = [];
      col = 0;
    } else {
      while (line.length < col) line.push({ char: " ", bold: false });
      line[col++] = { char, bold };
    }
  }
  if (line.length > 0) lines.push(line);
  const text = (cells: Cell[]) => cells.map((cell) => cell.char).join("");
  // npm's banner ("npm warn …", "> verbatim@… start", "> tsx …") and spinner are npm's, not the bot's.
  const kept = lines.filter((cells) => !/^(npm warn|> )/.test(text(cells)) && !/^[⠀-⣿]\s*$/.test(text(cells)));
  while (kept.length > 0 && text(kept[0]!).trim() === "") kept.shift();
  while (kept.length > 0 && text(kept.at(-1)!).trim() === "") kept.pop();
  return kept;
}

/** A page drawn like a dark terminal window, with the session's lines (bold kept) under `$ npm start`. */
function terminalPage(lines: Cell[][]): string {
  const row = (cells: Cell[]) => {
    let out = "";
    let bold = false;
    for (const cell of cells) {
      if (cell.bold !== bold) out += cell.bold ? "<b>" : "</b>";
      bold = cell.bold;
      out += html(cell.char);
    }
    return (bold ? out + "</b>" : out).replace(/^(verbatim&gt; )(.*)$/, '<span class="prompt">$1</span><span class="typed">$2</span>');
  };
  return `<!doctype html><meta charset="utf-8"><style>
  body { margin: 0; background: #313338; width: ${PAGE_WIDTH}px; padding: 16px; box-sizing: border-box; }
  .window { background: #1d1f21; border-radius: 8px; overflow: hidden; box-shadow: 0 4px 16px rgba(0,0,0,.4); }
  .bar { background: #2d2f31; height: 28px; display: flex; align-items: center; gap: 7px; padding-left: 12px; font: 12px "DejaVu Sans", sans-serif; color: #9da1a6; }
  .dot { width: 11px; height: 11px; border-radius: 50%; }
  .bar .title { margin-left: auto; margin-right: auto; transform: translateX(-30px); }
  pre { margin: 0; padding: 12px 14px 14px; font: 12px/16px "DejaVu Sans Mono", monospace; color: #c5c8c6; white-space: pre-wrap; word-break: break-word; }
  b { color: #ffffff; }
  .shell { color: #b5bd68; }
  .prompt { color: #81a2be; }
  .typed { color: #f0c674; }
</style>
<div class="window"><div class="bar"><span class="dot" style="background:#ff5f56"></span><span class="dot" style="background:#ffbd2e"></span><span class="dot" style="background:#27c93f"></span><span class="title">verbatim — npm start</span></div>
<pre><span class="shell">$</span> npm start
${lines.map(row).join("\n")}</pre></div>
<script>document.title = String(Math.ceil(document.documentElement.getBoundingClientRect().height));</script>`;
}

/** Photographs `page` at its full height: one pass to measure it (the page puts its height in its title), one to shoot. */
function photograph(page: string, png: string, folder: string): void {
  const file = join(folder, `${png.replace(/\.png$/, "")}.html`);
  writeFileSync(file, page);
  const flags = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", `--force-device-scale-factor=${SCALE}`];
  const dom = execFileSync("chromium", [...flags, `--window-size=${PAGE_WIDTH},2000`, "--dump-dom", `file://${file}`], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  const height = Number(/<title>(\d+)<\/title>/.exec(dom)?.[1]);
  if (!Number.isInteger(height) || height <= 0) throw new Error(`could not measure ${file}: no height in its title`);
  execFileSync("chromium", [...flags, `--window-size=${PAGE_WIDTH},${height}`, `--screenshot=${join(HERE, png)}`, `file://${file}`], { stdio: ["ignore", "ignore", "ignore"] });
  console.log(`${png}: ${PAGE_WIDTH}×${height} CSS pixels (from ${file})`);
}

const folder = mkdtempSync(join(tmpdir(), "verbatim-pictures-"));
const answer = askJson(QUESTION);
const first = answer.results[0];
if (first) console.log(`first quote: ${first.source.outlet || "(no outlet)"}, score ${first.score}, answered ${answer.answered}`);
photograph(discordPage(discordPayload(answer)), "discord-reply.png", folder);
photograph(terminalPage(screenLines(await consoleSession(QUESTION))), "console.png", folder);
