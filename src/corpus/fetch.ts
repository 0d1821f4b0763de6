/**
 * Fetching pages and feeds politely and safely: http(s) only, a User-Agent that names the bot,
 * timeouts, a size cap enforced while reading, a bounded number of redirects (each hop checked
 * again), conditional requests, and no private, loopback or link-local addresses unless allowed.
 * The address check runs in the connection's own DNS lookup (undici's connector), so a name
 * cannot resolve to a public address when checked and a private one when connected.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from "node:dns";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import { Agent, request, type Dispatcher } from "undici";

/** Who is asking, for the sites' logs. */
export const USER_AGENT = "Verbatim/0.1 (a Discord bot that quotes news articles; feed reader)";
/** The largest page or feed read; a news page is far smaller, a bigger response is refused. */
export const MAX_FETCH_BYTES = 5_000_000;
/** Redirects followed at most: enough for http → https → canonical host. */
export const MAX_REDIRECTS = 5;
/** Time to connect, then to receive the headers, then between chunks of the body. */
export const CONNECT_TIMEOUT_MS = 10_000;
export const HEADERS_TIMEOUT_MS = 15_000;
export const BODY_TIMEOUT_MS = 15_000;
/** The whole request, redirects included, may take at most this long. */
export const TOTAL_TIMEOUT_MS = 30_000;

/** A fetch that went wrong, with the address and what happened, in words for an operator. */
export class FetchError extends Error {
  constructor(
    readonly url: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${url}: ${problem}`, options);
    this.name = "FetchError";
  }
}

/** How fetching may go. */
export interface FetchOptions {
  /** Allow private, loopback and link-local addresses (a feed on the local network; the tests). */
  allowPrivateNetwork: boolean;
  /** Total time allowed, in milliseconds. */
  timeoutMs?: number;
  maxBytes?: number;
}

/** A fetched resource: where it ended up, its type and text; or, for a conditional request, that it has not changed. */
export type Fetched =
  | { status: "ok"; url: string; contentType: string; text: string; etag: string | undefined; lastModified: string | undefined }
  | { status: "not-modified"; url: string };

/** What a conditional request sends back: the validators from the last response. */
export interface Validators {
  etag?: string;
  lastModified?: string;
}

/** Address ranges never fetched from unless private networks are allowed. */
const PUBLIC_RANGE = "unicast";

/** Why an address may not be fetched from, or undefined when it may. */
export function forbiddenAddress(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  const range = parsed.range();
  return range === PUBLIC_RANGE ? undefined : `${address} is a ${range} address`;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** dns.lookup that refuses names resolving to any forbidden address. */
function guardedLookup(hostname: string, options: LookupOneOptions | LookupAllOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    for (const { address } of addresses) {
      const why = forbiddenAddress(address);
      if (why) return callback(Object.assign(new Error(`${hostname} resolves to ${why}; set FETCH_ALLOW_PRIVATE_NETWORK=true to allow it`), { code: "EPRIVATE" }), []);
    }
    if ((options as LookupAllOptions).all) return callback(null, addresses);
    callback(null, addresses[0]!.address, addresses[0]!.family);
  });
}

const agents = new Map<boolean, Agent>();
function agentFor(allowPrivateNetwork: boolean): Agent {
  let agent = agents.get(allowPrivateNetwork);
  if (!agent) {
    agent = new Agent({
      connect: { timeout: CONNECT_TIMEOUT_MS, ...(allowPrivateNetwork ? {} : { lookup: guardedLookup as never }) },
      headersTimeout: HEADERS_TIMEOUT_MS,
      bodyTimeout: BODY_TIMEOUT_MS,
    });
    agents.set(allowPrivateNetwork, agent);
  }
  return agent;
}

/** Checks an address before any connection: http(s), and no forbidden IP written literally (a literal skips the DNS lookup). */
function checkUrl(raw: string, allowPrivateNetwork: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new FetchError(raw, "is not a URL: give the full address, starting with https://");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new FetchError(raw, `uses ${url.protocol.replace(/:$/, "")}: only http and https addresses are fetched`);
  if (url.username || url.password) throw new FetchError(raw, "has a user name or password in it: remove them");
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (!allowPrivateNetwork) {
    if (isIP(host)) {
      const why = forbiddenAddress(host);
      if (why) throw new FetchError(raw, `${why}; set FETCH_ALLOW_PRIVATE_NETWORK=true to allow it`);
    } else if (host === "localhost" || host.endsWith(".localhost")) throw new FetchError(raw, "is this machine (localhost); set FETCH_ALLOW_PRIVATE_NETWORK=true to allow it");
  }
  return url;
}

/** Drops a body not to be read (its abort is expected, not an error). */
function discard(body: Dispatcher.ResponseData["body"]): void {
  body.on("error", () => undefined);
  body.destroy();
}

/** Reads a body to the end, refusing it once it passes the cap. */
async function readCapped(body: Dispatcher.ResponseData["body"], url: string, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      discard(body);
      throw new FetchError(url, `is larger than ${maxBytes / 1e6} MB: not a news page or feed`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The text of a body in the charset its Content-Type names (UTF-8 when none, or one we cannot decode). */
function decode(bytes: Buffer, contentType: string): string {
  const charset = /charset="?([\w-]+)/i.exec(contentType)?.[1]?.toLowerCase();
  try {
    return new TextDecoder(charset ?? "utf-8").decode(bytes);
  } catch {
    return new TextDecoder("utf-8").decode(bytes);
  }
}

/** Words for what a failed connection means. */
function describeFailure(error: unknown, totalMs: number): string {
  const e = error as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  const code = e?.code ?? e?.cause?.code;
  if (code === "EPRIVATE") return e.message;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "the host name does not resolve: check the address";
  if (code === "ECONNREFUSED") return "the server refused the connection";
  if (code === "UND_ERR_CONNECT_TIMEOUT") return `no connection within ${CONNECT_TIMEOUT_MS / 1000} s`;
  if (code === "UND_ERR_HEADERS_TIMEOUT") return `the server did not answer within ${HEADERS_TIMEOUT_MS / 1000} s`;
  if (code === "UND_ERR_BODY_TIMEOUT") return `the server stopped sending for ${BODY_TIMEOUT_MS / 1000} s`;
  if (e?.name === "TimeoutError" || e?.name === "AbortError") return `it took longer than ${totalMs / 1000} s`;
  if (code?.startsWith("ERR_TLS") || code?.includes("CERT")) return `its TLS certificate was refused (${code})`;
  return e?.message ?? String(error);
}

/**
 * GETs a page or feed. Follows at most MAX_REDIRECTS redirects, checking each address; with
 * `validators`, asks whether it changed (If-None-Match / If-Modified-Since). Throws FetchError
 * for anything but a 2xx or 304 answer.
 */
export async function fetchText(rawUrl: string, options: FetchOptions, validators: Validators = {}): Promise<Fetched> {
  const maxBytes = options.maxBytes ?? MAX_FETCH_BYTES;
  const totalMs = options.timeoutMs ?? TOTAL_TIMEOUT_MS;
  const signal = AbortSignal.timeout(totalMs);
  let url = checkUrl(rawUrl, options.allowPrivateNetwork);
  for (let hop = 0; ; hop++) {
    const headers: Record<string, string> = {
      "user-agent": USER_AGENT,
      accept: "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.1",
    };
    if (validators.etag) headers["if-none-match"] = validators.etag;
    if (validators.lastModified) headers["if-modified-since"] = validators.lastModified;
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, { method: "GET", headers, dispatcher: agentFor(options.allowPrivateNetwork), signal });
    } catch (error) {
      throw new FetchError(url.href, describeFailure(error, totalMs), { cause: error });
    }
    const { statusCode } = response;
    const header = (name: string) => {
      const value = response.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    if (statusCode >= 300 && statusCode < 400 && statusCode !== 304) {
      discard(response.body);
      const location = header("location");
      if (!location) throw new FetchError(url.href, `redirects (${statusCode}) without saying where`);
      if (hop >= MAX_REDIRECTS) throw new FetchError(rawUrl, `redirects more than ${MAX_REDIRECTS} times (a redirect loop?)`);
      url = checkUrl(new URL(location, url).href, options.allowPrivateNetwork);
      continue;
    }
    if (statusCode === 304) {
      discard(response.body);
      return { status: "not-modified", url: url.href };
    }
    if (statusCode < 200 || statusCode >= 300) {
      discard(response.body);
      throw new FetchError(url.href, `the server answered ${statusCode}${statusCode === 404 ? " (not found): check the address" : statusCode === 429 ? " (too many requests): try again later" : ""}`);
    }
    const length = Number(header("content-length"));
    if (Number.isFinite(length) && length > maxBytes) {
      discard(response.body);
      throw new FetchError(url.href, `is larger than ${maxBytes / 1e6} MB (${(length / 1e6).toFixed(1)} MB): not a news page or feed`);
    }
    let bytes: Buffer;
    try {
      bytes = await readCapped(response.body, url.href, maxBytes);
    } catch (error) {
      if (error instanceof FetchError) throw error;
      throw new FetchError(url.href, describeFailure(error, totalMs), { cause: error });
    }
    const contentType = header("content-type") ?? "";
    return { status: "ok", url: url.href, contentType, text: decode(bytes, contentType), etag: header("etag"), lastModified: header("last-modified") };
  }
}
