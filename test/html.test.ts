import { describe, expect, it } from "vitest";
import { extractHtmlArticle } from "../src/corpus/html.js";

const page = (head: string, body: string) => `<!doctype html><html><head>${head}</head><body>${body}</body></html>`;

describe("a saved web page reduced to its article", () => {
  it("keeps the article's paragraphs, one per block, and leaves out navigation and footer", () => {
    const article = extractHtmlArticle(page("<title>T</title>", "<nav>Home | Sport</nav><article><h1>T</h1><p>The city library   reopened on Saturday\nafter a renovation.</p><ul><li>First point of the story here.</li></ul></article><footer>© Site</footer>"));
    expect(article.body).toBe("The city library reopened on Saturday after a renovation.\n\nFirst point of the story here.");
  });

  it("reads the metadata news sites give, and drops the site's name from the page title", () => {
    const article = extractHtmlArticle(page('<title>Library reopens | City News</title><meta property="og:site_name" content="City News"><meta property="article:published_time" content="2026-03-07T08:00:00Z"><link rel="canonical" href="https://city.example/library">', "<article><p>The city library reopened on Saturday after a renovation.</p></article>"));
    expect(article).toMatchObject({ title: "Library reopens", outlet: "City News", published: "2026-03-07", url: "https://city.example/library" });
    expect(extractHtmlArticle(page('<meta property="og:title" content="Tram — approved"><meta property="og:site_name" content="Planet">', "<p>The council approved a tram line.</p>")).title).toBe("Tram — approved");
  });

  it("gives no URL for a relative or non-http canonical link, and no date for one it cannot read", () => {
    const article = extractHtmlArticle(page('<title>T</title><link rel="canonical" href="/library"><meta property="article:published_time" content="last Tuesday">', "<p>The council approved a tram line on Tuesday.</p>"));
    expect(article.url).toBe("");
    expect(article.published).toBe("");
  });
});
