import { describe, expect, it } from "vitest";
import { answerTypeWords, expectedAnswerType, hasAnswerType } from "../src/retrieval/answerType.js";

describe("expectedAnswerType", () => {
  it.each([
    ["When was the treaty signed?", "time"],
    ["What year did it start?", "time"],
    ["What is the date of the summit?", "time"],
    ["How many drones were sent?", "quantity"],
    ["How long will the treaty last?", "duration"],
    ["What is the duration of the deal?", "duration"],
    ["How many years does it run?", "duration"],
    ["Who signed the treaty?", "person"],
    ["Where did they meet?", "place"],
    ["Does the treaty include mutual defence?", undefined],
  ] as const)("%s → %s", (question, type) => {
    expect(expectedAnswerType(question)).toBe(type);
  });
});

describe("answerTypeWords", () => {
  it("finds the words that only name the kind of answer", () => {
    expect([...answerTypeWords("what is the duration of the treaty")]).toEqual(["duration"]);
    expect([...answerTypeWords("How long will it last?")]).toEqual(["long"]);
    expect([...answerTypeWords("What year was it signed?")]).toEqual(["year"]);
  });

  it("leaves ordinary content words alone", () => {
    expect(answerTypeWords("Is the deal a long-term partnership?").size).toBe(0);
    expect(answerTypeWords("Who signed the treaty?").size).toBe(0);
  });
});

describe("hasAnswerType", () => {
  it("sees numbers, dates and names", () => {
    expect(hasAnswerType("it will remain in effect for 20 years", "duration")).toBe(true);
    expect(hasAnswerType("the 20-year agreement", "duration")).toBe(true);
    expect(hasAnswerType("his first Kremlin visit since last July", "duration")).toBe(false);
    expect(hasAnswerType("signed at the Kremlin on January 17, 2025", "time")).toBe(true);
    expect(hasAnswerType("talks with Russian President Vladimir Putin", "person")).toBe(true);
    expect(hasAnswerType("a long-term partnership", "quantity")).toBe(false);
    // A date is not a count.
    expect(hasAnswerType("they meet in Moscow, Jan. 17, 2025.", "quantity")).toBe(false);
    expect(hasAnswerType("in his third meeting", "quantity")).toBe(true);
    expect(hasAnswerType("anything", undefined)).toBe(false);
  });
});

describe("expectedAnswerType on chat questions and on why and quote questions", () => {
  it.each([
    ["rail strike how long", "duration"],
    ["so they signed it when", "time"],
    ["who bought it", "person"],
    ["the factory closes when", "time"],
    ["where did they meet before this visit", "place"],
    ["why did the bakery close", "reason"],
    ["how come the merger was blocked", "reason"],
    ["what was the reason for the strike", "reason"],
    ["what caused the flood", "reason"],
    ["what did putin call the treaty", "quote"],
    ["how did the minister describe the ruling", "quote"],
    ["what is the nuclear plant russia built in iran called", undefined],
    ["did russia promise to defend iran if its attacked", undefined],
  ] as const)("%s → %s", (question, type) => {
    expect(expectedAnswerType(question)).toBe(type);
  });
});

describe("hasAnswerType for reasons, quotes and spans of time", () => {
  it("sees a cause and a quoted phrase", () => {
    expect(hasAnswerType("The bakery closed because its rent almost doubled.", "reason")).toBe(true);
    expect(hasAnswerType("Drivers walked out over pay and staffing.", "reason")).toBe(true);
    expect(hasAnswerType("The bakery closed on Saturday.", "reason")).toBe(false);
    expect(hasAnswerType("Putin described the deal as a “real breakthrough”.", "quote")).toBe(true);
    expect(hasAnswerType("Putin met Pezeshkian in Moscow.", "quote")).toBe(false);
  });

  it("does not take 'the first in eleven years' or 'two years ago' for how long something lasts", () => {
    expect(hasAnswerType("It is the first national rail strike in eleven years.", "duration")).toBe(false);
    expect(hasAnswerType("the worst flood in a decade", "duration")).toBe(false);
    expect(hasAnswerType("The talks began two years ago.", "duration")).toBe(false);
    expect(hasAnswerType("The strike is due to last 48 hours.", "duration")).toBe(true);
    expect(hasAnswerType("the first strike in years, due to last 48 hours", "duration")).toBe(true);
  });
});
