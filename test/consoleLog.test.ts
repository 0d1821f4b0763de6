import { PassThrough } from "node:stream";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import { ConsoleLog } from "../src/cli/consoleLog.js";
import { createLogger } from "../src/log.js";

function sink(tty = false) {
  const stream = Object.assign(new PassThrough(), tty ? { isTTY: true, columns: 80 } : {});
  let text = "";
  stream.on("data", (chunk) => (text += String(chunk)));
  return { stream, text: () => text };
}

describe("the console's log lines", () => {
  it("are one readable line each, not JSON, with the fields after the message", () => {
    const out = sink();
    createLogger("info", new ConsoleLog(out.stream)).info({ buildId: "b2" }, "serving the new index");
    expect(out.text()).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: serving the new index \{"buildId":"b2"\}\n$/);
  });

  it("wait while the console answers, then come out in order", () => {
    const out = sink();
    const log = new ConsoleLog(out.stream);
    const logger = createLogger("info", log);
    log.hold();
    logger.info("first");
    logger.warn("second");
    expect(out.text()).toBe("");
    log.release();
    expect(out.text()).toMatch(/INFO: first\n.*WARN: second\n$/);
  });

  it("show an article's control characters as symbols, never as terminal commands", () => {
    const out = sink();
    createLogger("info", new ConsoleLog(out.stream)).warn("skipped odd\u001b[2J.md: no quotable sentence");
    expect(out.text()).toContain("odd␛[2J.md");
    expect(out.text()).not.toMatch(/\u001b/);
  });

  it("on a terminal, go above the prompt and draw it again with what was typed", () => {
    const out = sink(true);
    const input = new PassThrough();
    const lines = createInterface({ input, output: out.stream, terminal: true });
    lines.setPrompt("verbatim> ");
    const log = new ConsoleLog(out.stream);
    log.attach(lines, out.stream);
    input.write("does the tre");
    createLogger("info", log).info("serving the new index");
    const printed = out.text();
    expect(printed.indexOf("INFO: serving the new index")).toBeLessThan(printed.lastIndexOf("verbatim> does the tre"));
    lines.close();
  });

  it("keep at most a bounded number while held, and say how many were dropped", () => {
    const out = sink();
    const log = new ConsoleLog(out.stream);
    const logger = createLogger("info", log);
    log.hold();
    for (let i = 0; i < 250; i++) logger.info(`line ${i}`);
    log.release();
    expect(out.text()).toContain("(50 log lines dropped)");
    expect(out.text()).toContain("line 249");
    expect(out.text()).not.toContain("line 49\n");
  });
});
