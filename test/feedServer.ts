/**
 * A real HTTP server on 127.0.0.1 serving fixture feeds and article pages, and the ways sites
 * go wrong: a broken feed, a slow server, a feed of slow pages, a 404, a redirect loop, a huge page, a picture. It
 * answers conditional requests as a feed server does, and counts what it was asked.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** An article page with the metadata a news site gives. */
export function articlePage(options: { title: string; outlet: string; published?: string; canonical?: string; paragraphs: string[] }): string {
  const meta = [
    `<meta property="og:title" content="${options.title}">`,
    `<meta property="og:site_name" content="${options.outlet}">`,
    options.published ? `<meta property="article:published_time" content="${options.published}">` : "",
    options.canonical ? `<link rel="canonical" href="${options.canonical}">` : "",
  ].join("");
  const body = options.paragraphs.map((p) => `<p>${p}</p>`).join("\n");
  return `<!doctype html><html><head><title>${options.title} | ${options.outlet}</title>${meta}</head><body><nav>Home | World | Sport</nav><article><h1>${options.title}</h1>${body}</article><footer>© ${options.outlet}. All rights reserved.</footer></body></html>`;
}

const PAGES: Record<string, string> = {
  "/articles/harbour.html": articlePage({
    title: "Harbour deal signed after long talks",
    outlet: "Coast Gazette",
    published: "2026-03-02T09:00:00Z",
    paragraphs: [
      "The port authority signed a ten-year contract with a shipping group on Monday, ending months of talks.",
      "Under the deal the group will invest 40 million euros in two new cranes and a deeper berth.",
      "Dock workers' unions said they had been promised that no jobs would be cut during the contract.",
    ],
  }),
  "/articles/library.html": articlePage({
    title: "City library reopens after renovation",
    outlet: "Coast Gazette",
    paragraphs: [
      "The city library reopened on Saturday after a two-year renovation that cost four million euros.",
      "Visitors queued for an hour before the doors opened, and the children's floor was full by noon.",
    ],
  }),
  "/articles/storm.html": articlePage({
    title: "Storm closes the coastal road",
    outlet: "Coast Gazette",
    published: "2026-03-04T18:30:00Z",
    paragraphs: [
      "A winter storm closed the coastal road for six hours on Wednesday as waves washed stones onto the tarmac.",
      "Engineers reopened one lane in the evening and said the sea wall would be inspected this week.",
    ],
  }),
  "/articles/copy-of-library.html": articlePage({
    title: "Library reopens (syndicated)",
    outlet: "Other Paper",
    paragraphs: [
      "The city library reopened on Saturday after a two-year renovation that cost four million euros.",
      "Visitors queued for an hour before the doors opened, and the children's floor was full by noon.",
    ],
  }),
  "/articles/empty.html": "<!doctype html><html><head><title>Nothing here</title></head><body><nav>Home</nav></body></html>",
};

function rss(base: string, items: { path: string; title: string; date: string }[]): string {
  const entries = items.map((item) => `<item><title>${item.title}</title><link>${base}${item.path}</link><guid>${base}${item.path}</guid><pubDate>${item.date}</pubDate><description>Summary of ${item.title}</description></item>`).join("");
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Coast Gazette</title><link>${base}/</link><description>News from the coast</description>${entries}</channel></rss>`;
}

function atom(base: string): string {
  return `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Coast Gazette (Atom)</title><id>${base}/atom</id><updated>2026-03-04T18:30:00Z</updated><entry><title>Storm closes the coastal road</title><link href="/articles/storm.html"/><id>${base}/articles/storm.html</id><updated>2026-03-04T18:30:00Z</updated><summary>Storm.</summary></entry></feed>`;
}

/** The fixture server: its address, what it was asked, and a switch that adds an item to the RSS feed. */
export interface FeedServer {
  base: string;
  requests: { path: string; conditional: boolean }[];
  /** Adds the storm article to the RSS feed (a new ETag and Last-Modified). */
  publishStorm(): void;
  close(): Promise<void>;
}

/** Starts the fixture server on a free port of 127.0.0.1. */
export async function startFeedServer(): Promise<FeedServer> {
  let version = 1;
  const requests: FeedServer["requests"] = [];
  let base = "";
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    requests.push({ path, conditional: req.headers["if-none-match"] !== undefined || req.headers["if-modified-since"] !== undefined });
    if (path === "/rss.xml") {
      const etag = `"rss-v${version}"`;
      const lastModified = new Date(Date.UTC(2026, 2, version)).toUTCString();
      if (req.headers["if-none-match"] === etag || req.headers["if-modified-since"] === lastModified) {
        res.writeHead(304, { etag, "last-modified": lastModified }).end();
        return;
      }
      const items = [
        { path: "/articles/harbour.html", title: "Harbour deal signed after long talks", date: "Mon, 02 Mar 2026 09:00:00 GMT" },
        { path: "/articles/library.html", title: "City library reopens after renovation", date: "Sat, 28 Feb 2026 10:00:00 GMT" },
      ];
      if (version > 1) items.unshift({ path: "/articles/storm.html", title: "Storm closes the coastal road", date: "Wed, 04 Mar 2026 18:30:00 GMT" });
      res.writeHead(200, { "content-type": "application/rss+xml; charset=utf-8", etag, "last-modified": lastModified }).end(rss(base, items));
      return;
    }
    if (path === "/slow-feed.xml") {
      // A feed whose three items are slow pages (5 s each).
      const items = [1, 2, 3].map((n) => ({ path: `/slow?item=${n}`, title: `Slow item ${n}`, date: "Mon, 02 Mar 2026 09:00:00 GMT" }));
      return void res.writeHead(200, { "content-type": "application/rss+xml" }).end(rss(base, items));
    }
    if (path === "/atom.xml") return void res.writeHead(200, { "content-type": "application/atom+xml" }).end(atom(base));
    if (path === "/feed-as-text.xml") return void res.writeHead(200, { "content-type": "text/plain" }).end(atom(base));
    if (path === "/broken.xml") return void res.writeHead(200, { "content-type": "application/rss+xml" }).end(`<?xml version="1.0"?><rss version="2.0"><channel><title>Broken</title><item><title>Half`);
    if (path === "/slow") {
      const timer = setTimeout(() => res.writeHead(200, { "content-type": "text/html" }).end(PAGES["/articles/harbour.html"]), 5_000);
      res.on("close", () => clearTimeout(timer));
      return;
    }
    if (path === "/loop-a") return void res.writeHead(302, { location: "/loop-b" }).end();
    if (path === "/loop-b") return void res.writeHead(302, { location: "/loop-a" }).end();
    if (path === "/moved") return void res.writeHead(301, { location: "/articles/harbour.html" }).end();
    if (path === "/to-file") return void res.writeHead(302, { location: "file:///etc/passwd" }).end();
    if (path === "/huge.html") {
      // 6 MB without a Content-Length: the cap must hold while reading.
      res.writeHead(200, { "content-type": "text/html" });
      const chunk = `<p>${"filler text ".repeat(8000)}</p>`;
      let sent = 0;
      const write = () => {
        while (sent < 6_000_000) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", write);
        }
        res.end();
      };
      res.on("error", () => undefined);
      write();
      return;
    }
    if (path === "/picture.png") return void res.writeHead(200, { "content-type": "image/png" }).end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    const page = PAGES[path];
    if (page) return void res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page);
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
  };
  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    requests,
    publishStorm: () => void (version = 2),
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}
