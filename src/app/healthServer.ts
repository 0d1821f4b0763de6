/**
 * GET /healthz over HTTP, for systemd, container and load-balancer health checks (HEALTH_PORT,
 * HEALTH_HOST). It answers only GET and HEAD of /healthz, reads no request body, and never says
 * more than health.ts reports: no configuration, no token, no question.
 */
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../log.js";
import { healthReport, type HealthInputs } from "./health.js";

/** The path health checks ask for (Kubernetes' and most load balancers' convention). */
export const HEALTH_PATH = "/healthz";
/** A health check that takes longer than this to send its request is cut off: it is a few bytes. */
const REQUEST_TIMEOUT_MS = 5_000;

/** The health check's HTTP server. */
export class HealthServer {
  private server: Server | undefined;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly inputs: () => HealthInputs,
    private readonly logger: Logger,
  ) {}

  /** The port it listens on (the one chosen when HEALTH_PORT is 0). */
  get listeningPort(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  /** Starts listening; a port in use or not allowed stops the program with what to do. */
  async start(): Promise<void> {
    const server = createServer((request, response) => this.answer(request, response));
    server.requestTimeout = REQUEST_TIMEOUT_MS;
    server.headersTimeout = REQUEST_TIMEOUT_MS;
    server.listen(this.port, this.host);
    try {
      await Promise.race([once(server, "listening"), once(server, "error").then(([error]) => Promise.reject(error))]);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === "EADDRINUSE" ? "is already in use" : code === "EACCES" ? "may not be used by this user" : `cannot be listened on (${(error as Error).message})`;
      throw new Error(`HEALTH_PORT ${this.port} on ${this.host} ${why}: set HEALTH_PORT to a free port (or leave it empty to turn the health check off).`, { cause: error });
    }
    this.server = server;
    this.logger.info({ host: this.host, port: this.listeningPort, path: HEALTH_PATH }, "health check listening");
  }

  /** Stops listening. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  private answer(request: IncomingMessage, response: ServerResponse): void {
    const path = (request.url ?? "").split("?")[0];
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers });
      response.end(request.method === "HEAD" ? undefined : `${JSON.stringify(body)}\n`);
    };
    if (path !== HEALTH_PATH) return send(404, { error: `not found: the health check is GET ${HEALTH_PATH}` });
    if (request.method !== "GET" && request.method !== "HEAD") return send(405, { error: `the health check takes GET or HEAD` }, { allow: "GET, HEAD" });
    const { status, body } = healthReport(this.inputs());
    send(status, body);
  }
}
