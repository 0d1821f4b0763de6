/**
 * Discord's own OpenAPI 3.1 description of its HTTP API as a checker for what the bot sends: each
 * REST request is matched to its route and method, and its path, query and body are validated with
 * ajv (OpenAPI 3.1 schemas are JSON Schema 2020-12).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import ajvFormats from "ajv-formats";
import { PROJECT_ROOT } from "../src/config.js";
import { DEFS_ID, strictDefinitions, strictSchema, type Json, type JsonObject } from "./strictSchemas.js";

/** Discord's official OpenAPI spec (MIT), from the shared folder beside the repository (CI has it too). */
export const SPEC_FILE = join(PROJECT_ROOT, "..", "shared", "discord-api-spec", "openapi.json");

/** A body field that discord.js sends and the spec does not declare, allowed by name on one operation. */
export interface UndeclaredField {
  operationId: string;
  /** Dotted path in the body, e.g. "data.enforce_nonce". */
  field: string;
  reason: string;
}

/** discord.js's MessagePayload.resolveBody puts these in every message body it builds, whatever the bot asks for. */
const FROM_MESSAGE_PAYLOAD = "discord.js's MessagePayload.resolveBody always sends it (false)";

/**
 * The only undeclared body fields the check lets through; each is deleted from a copy of the body
 * before validation. Every other field must be declared by the spec: Discord ignores unknown
 * fields silently, so a misspelt one would be a silent bug.
 */
export const UNDECLARED_FIELDS: readonly UndeclaredField[] = [
  { operationId: "create_interaction_response", field: "data.enforce_nonce", reason: `${FROM_MESSAGE_PAYLOAD}; the spec has nonces only on channel messages` },
  { operationId: "execute_webhook", field: "enforce_nonce", reason: `${FROM_MESSAGE_PAYLOAD}; the spec has nonces only on channel messages` },
  { operationId: "update_original_webhook_message", field: "enforce_nonce", reason: `${FROM_MESSAGE_PAYLOAD}; an edit has no nonce` },
  { operationId: "update_original_webhook_message", field: "tts", reason: `${FROM_MESSAGE_PAYLOAD}; an edit cannot change text-to-speech` },
];

/** One REST request as the fake Discord received it. */
export interface WireRequest {
  method: string;
  /** Path after /api/v10, decoded. */
  path: string;
  query: URLSearchParams;
  /** Lower-case media type without parameters, "" when there is no body. */
  contentType: string;
  /** Parsed JSON, or for multipart the payload_json fields plus one "files[n]" entry per file. */
  body: unknown;
  authorization: string | undefined;
}

interface Parameter {
  name: string;
  in: "path" | "query" | "header";
  required?: boolean;
  schema: object;
}

interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: object }> };
  security?: Record<string, unknown>[];
}

interface Route {
  template: string;
  pattern: RegExp;
  /** Number of {parameters} in the template; a literal segment beats a parameter. */
  parameterCount: number;
  names: string[];
  parameters: Parameter[];
  operations: Map<string, Operation>;
}

const HTTP_METHODS = ["get", "put", "post", "delete", "patch"];
/** Weighs an alternative whose JSON type or `type` field does not fit as farther than any number of other errors. */
const MISMATCHED_TYPE = 1_000;

/** Validates requests against Discord's spec; load once per test file (the spec is 1.2 MB). */
export class DiscordSpec {
  private readonly routes: Route[];
  private readonly bodies = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictTypes: false, allowUnionTypes: true });
  private readonly params = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, allowUnionTypes: true, coerceTypes: true });
  /** Validators by the spec's schema object, so that each is compiled once. */
  private readonly compiled = new Map<object, ValidateFunction>();
  private readonly compiledParameters = new Map<object, ValidateFunction>();

  private constructor(spec: JsonObject) {
    const defs = strictDefinitions(spec);
    for (const ajv of [this.bodies, this.params]) {
      ajvFormats.default(ajv);
      ajv.addFormat("snowflake", /^(0|[1-9][0-9]*)$/);
      // A nonce is an integer or a string of at most 25 characters; the schema's maxLength checks that.
      ajv.addFormat("nonce", true);
      ajv.addKeyword({ keyword: "x-discord-union", schemaType: "string" });
      ajv.addSchema({ $id: DEFS_ID, $defs: defs });
    }
    this.routes = Object.entries(spec.paths as JsonObject).map(([template, item]) => route(template, item as JsonObject));
  }

  /** Reads and prepares the spec. */
  static load(file = SPEC_FILE): DiscordSpec {
    return new DiscordSpec(JSON.parse(readFileSync(file, "utf8")) as JsonObject);
  }

  /** What Discord would reject in one request, one line each; empty when it complies. */
  check(request: WireRequest): string[] {
    const where = `${request.method} ${request.path}`;
    const matches = this.routes.filter((r) => r.pattern.test(request.path)).sort((a, b) => a.parameterCount - b.parameterCount);
    if (matches.length === 0) return [`${where}: Discord's API has no such route`];
    const found = matches.find((r) => r.operations.has(request.method.toLowerCase()));
    if (!found) return [`${where}: route ${matches[0]!.template} does not take ${request.method}`];
    const operation = found.operations.get(request.method.toLowerCase())!;
    const problems: string[] = [];
    const say = (what: string) => problems.push(`${where} (${operation.operationId}): ${what}`);

    const values = found.pattern.exec(request.path)!.slice(1);
    const parameters = [...found.parameters, ...(operation.parameters ?? [])];
    found.names.forEach((name, i) => this.checkParameter(parameters, "path", name, values[i]!, say));
    for (const [name, value] of request.query) this.checkParameter(parameters, "query", name, value, say);
    for (const parameter of parameters) {
      if (parameter.in === "query" && parameter.required && !request.query.has(parameter.name)) say(`query parameter ${parameter.name} is required`);
    }

    const security = operation.security ?? [];
    const anonymous = security.length === 0 || security.some((s) => Object.keys(s).length === 0);
    if (!anonymous && !/^Bot \S+$/.test(request.authorization ?? "")) say("needs an Authorization: Bot <token> header");

    if (request.body === undefined) {
      if (operation.requestBody?.required) say("needs a request body");
      return problems;
    }
    if (!operation.requestBody) {
      say("takes no request body");
      return problems;
    }
    const media = operation.requestBody.content[request.contentType];
    if (!media) {
      say(`does not accept content type "${request.contentType}" (only ${Object.keys(operation.requestBody.content).join(", ")})`);
      return problems;
    }
    const body = withoutAllowedFields(request.body, operation.operationId);
    for (const problem of this.explain(media.schema, body, "")) say(problem);
    return problems;
  }

  /**
   * Why `value` (found at `at` in the body) fails `schema`, one line per problem. Where it matches
   * none of a union's alternatives, ajv reports every alternative's failures; this reports only
   * those of the alternative the value meant (the one whose JSON type and `type` field fit, or
   * the closest), recursively.
   */
  private explain(schema: object, value: unknown, at: string): string[] {
    const validate = this.compile(this.bodies, schema);
    if (validate(value)) return [];
    const errors = validate.errors ?? [];
    const union = errors.filter((e) => (e.keyword === "anyOf" || e.keyword === "oneOf") && Array.isArray(e.schema)).sort((a, b) => a.instancePath.length - b.instancePath.length)[0];
    if (!union) return describeAll(readable(errors), at);
    const inside = (e: ErrorObject) => e.instancePath === union.instancePath || e.instancePath.startsWith(`${union.instancePath}/`);
    const elsewhere = describeAll(readable(errors.filter((e) => !inside(e))), at);
    const target = valueAt(value, union.instancePath);
    const alternatives = union.schema as object[];
    const distances = alternatives.map((alternative) => {
      const each = this.compile(this.bodies, alternative);
      return each(target) ? 0 : distance(each.errors ?? []);
    });
    // A value that matches several alternatives of a oneOf: nothing to narrow down.
    if (distances.includes(0)) return [...elsewhere, ...describeAll([union], at)];
    const nearest = Math.min(...distances);
    if (nearest >= MISMATCHED_TYPE) return [...elsewhere, `${where(at + union.instancePath)} is none of the ${alternatives.length} kinds the spec allows here (check its "type")`];
    // Equally close alternatives (e.g. a list of constants): report them all rather than pick one.
    if (distances.filter((d) => d === nearest).length > 1) return [...elsewhere, ...describeAll(readable(errors.filter(inside)), at)];
    const closest = alternatives[distances.indexOf(nearest)]!;
    return [...elsewhere, ...this.explain(closest, target, `${at}${union.instancePath}`)];
  }

  private checkParameter(parameters: Parameter[], place: "path" | "query", name: string, value: string, say: (what: string) => void): void {
    const parameter = parameters.find((p) => p.in === place && p.name === name);
    if (!parameter) return void say(`unknown ${place} parameter ${name}`);
    let validate = this.compiledParameters.get(parameter.schema);
    if (!validate) {
      // Wrapped in an object so that ajv can coerce the text ("true", "5") to the declared type.
      validate = this.compile(this.params, { type: "object", properties: { value: parameter.schema } });
      this.compiledParameters.set(parameter.schema, validate);
    }
    if (!validate({ value })) say(`${place} parameter ${name}=${JSON.stringify(value)}: ${(validate.errors ?? []).map((e) => e.message).join("; ")}`);
  }

  private compile(ajv: Ajv2020, schema: object): ValidateFunction {
    let validate = this.compiled.get(schema);
    if (!validate) {
      validate = ajv.compile(strictSchema(schema as Json) as object);
      this.compiled.set(schema, validate);
    }
    return validate;
  }
}

function route(template: string, item: JsonObject): Route {
  const names: string[] = [];
  const source = template
    .split("/")
    .map((segment) => {
      const parameter = /^\{(\w+)\}$/.exec(segment);
      if (!parameter) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      names.push(parameter[1]!);
      return "([^/]+)";
    })
    .join("/");
  const operations = new Map<string, Operation>();
  for (const method of HTTP_METHODS) if (item[method]) operations.set(method, item[method] as unknown as Operation);
  return { template, pattern: new RegExp(`^${source}$`), parameterCount: names.length, names, parameters: (item.parameters ?? []) as unknown as Parameter[], operations };
}

/** A copy of the body without the fields UNDECLARED_FIELDS allows on this operation. */
function withoutAllowedFields(body: unknown, operationId: string): unknown {
  const copy = structuredClone(body);
  for (const allowed of UNDECLARED_FIELDS) {
    if (allowed.operationId !== operationId) continue;
    const path = allowed.field.split(".");
    let holder: unknown = copy;
    for (const key of path.slice(0, -1)) holder = typeof holder === "object" && holder !== null ? (holder as Record<string, unknown>)[key] : undefined;
    if (typeof holder === "object" && holder !== null && !Array.isArray(holder)) delete (holder as Record<string, unknown>)[path.at(-1)!];
  }
  return copy;
}

/** Drops ajv's summaries ("must match a schema in anyOf") and the failed `null` alternatives. */
function readable(errors: ErrorObject[]): ErrorObject[] {
  const kept = errors.filter((e) => e.keyword !== "anyOf" && e.keyword !== "oneOf" && !(e.keyword === "type" && e.params.type === "null"));
  return kept.length > 0 ? kept : errors;
}

/** How far a value is from an alternative: its number of errors, far more if it is not even the right kind of thing. */
function distance(errors: ErrorObject[]): number {
  const mismatched = errors.some((e) => (e.instancePath === "" && e.keyword === "type") || e.instancePath === "/type");
  return errors.length + (mismatched ? MISMATCHED_TYPE : 0);
}

/** The part of `value` at a JSON pointer. */
function valueAt(value: unknown, pointer: string): unknown {
  if (pointer === "") return value;
  return pointer
    .slice(1)
    .split("/")
    .map((key) => key.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce<unknown>((holder, key) => (typeof holder === "object" && holder !== null ? (holder as Record<string, unknown>)[key] : undefined), value);
}

/** One line per error; a value that equals none of several constants gets one line listing them. */
function describeAll(errors: ErrorObject[], at: string): string[] {
  const constants = new Map<string, unknown[]>();
  const lines: string[] = [];
  for (const error of errors) {
    if (error.keyword !== "const") lines.push(describe(error, at));
    else constants.set(error.instancePath, [...(constants.get(error.instancePath) ?? []), error.params.allowedValue]);
  }
  for (const [pointer, allowed] of constants) lines.push(`${where(at + pointer)} must be ${allowed.length > 1 ? "one of " : ""}${allowed.map((value) => JSON.stringify(value)).join(", ")}`);
  return [...new Set(lines)];
}

function describe(error: ErrorObject, at: string): string {
  if (error.keyword === "unevaluatedProperties") return `${where(at + error.instancePath)} has field "${String(error.params.unevaluatedProperty)}", which Discord does not declare`;
  if (error.keyword === "enum") return `${where(at + error.instancePath)} must be one of ${(error.params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(", ")}`;
  return `${where(at + error.instancePath)} ${error.message ?? error.keyword} (${error.schemaPath})`;
}

/** "body.data.embeds[0].title" for the JSON pointer "/data/embeds/0/title". */
function where(pointer: string): string {
  return pointer === "" ? "body" : `body${pointer.replace(/\/(\d+)(?=\/|$)/g, "[$1]").replace(/\//g, ".")}`;
}
