/**
 * What /help shows and the example question, per build and per scope: they read every article,
 * so each is made once for the build served and the server asking (a DM: the shared articles),
 * and an example question is never made from another server's title.
 */
import { exampleFor } from "../app/answers.js";
import type { IndexSource } from "../index/source.js";
import { scopedListing, scopeKey, type ArticleScope } from "../retrieval/scope.js";
import { helpReply, type ReplyPayload } from "../reply/discord.js";

/** Scopes kept per build: the busiest servers' stay made, and memory stays bounded. */
const CACHED_SCOPES = 256;

/** /help's reply and the example question of one scope. */
export interface ScopeListing {
  example: string | undefined;
  help: ReplyPayload;
}

/** The listings of the build served now, made on first use per scope. */
export class ScopeListings {
  private buildId: string | undefined;
  private readonly scopes = new Map<string, ScopeListing>();

  constructor(
    /** EXAMPLE_QUESTION, when configured. */
    private readonly configuredExample: string | undefined,
  ) {}

  /** `scope`'s listing of `source` (made now if this build has not made it yet). */
  of(source: IndexSource, scope: ArticleScope): ScopeListing {
    if (this.buildId !== source.buildId) {
      this.buildId = source.buildId;
      this.scopes.clear();
    }
    const key = scopeKey(scope);
    let made = this.scopes.get(key);
    if (!made) {
      const listing = scopedListing(source, scope);
      const example = exampleFor(this.configuredExample, listing);
      made = { example, help: helpReply(listing, example) };
      this.scopes.set(key, made);
      if (this.scopes.size > CACHED_SCOPES) this.scopes.delete(this.scopes.keys().next().value!);
    }
    return made;
  }
}
