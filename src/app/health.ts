/**
 * What GET /healthz says, decided without I/O: ready (200) once the model and index are loaded
 * and, for the bot, Discord's gateway is connected; not ready (503) while loading, connecting,
 * reconnecting or stopping, with the reason. Either way the body says which index build and model
 * are served, how long the process has run, and the Discord connection's state.
 */

import type { IndexSource } from "../index/source.js";

/** The bot's gateway connection as the health check reports it; "not used" for the local console. */
export type DiscordConnection = "connected" | "connecting" | "disconnected" | "not used";

/** What the health check reads from the running program. */
export interface HealthInputs {
  /** The index being served, once the model and index are loaded. */
  index?: { buildId: string; builtAt: string; model: string; articles: number; passages: number };
  discord: DiscordConnection;
  /** Shutting down: finishing the interactions in flight. */
  stopping: boolean;
  uptimeSeconds: number;
}

/** GET /healthz's body. */
export interface HealthBody {
  status: "ok" | "unavailable";
  /** Why it is not ready, when it is not. */
  reason?: string;
  index: HealthInputs["index"] | null;
  model: string | null;
  discord: DiscordConnection;
  uptimeSeconds: number;
}

/** Why the program is not ready, or undefined when it is. */
function notReady(inputs: HealthInputs): string | undefined {
  if (inputs.stopping) return "stopping: finishing the interactions in flight";
  if (!inputs.index) return "loading the model and the index";
  if (inputs.discord === "connecting") return "connecting to Discord";
  if (inputs.discord === "disconnected") return "not connected to Discord";
  return undefined;
}

/** The health check's answer: 200 and "ok" when ready, 503 and the reason otherwise. */
export function healthReport(inputs: HealthInputs): { status: 200 | 503; body: HealthBody } {
  const reason = notReady(inputs);
  const body: HealthBody = { status: reason ? "unavailable" : "ok", ...(reason ? { reason } : {}), index: inputs.index ?? null, model: inputs.index?.model ?? null, discord: inputs.discord, uptimeSeconds: Math.floor(inputs.uptimeSeconds) };
  return { status: reason ? 503 : 200, body };
}

/** What the health check says of the index being served. */
export function indexHealth(snapshot: Pick<IndexSource, "buildId" | "manifest">): NonNullable<HealthInputs["index"]> {
  const { manifest } = snapshot;
  return { buildId: snapshot.buildId, builtAt: manifest.builtAt, model: manifest.model.id, articles: manifest.counts.articles, passages: manifest.counts.passages };
}
