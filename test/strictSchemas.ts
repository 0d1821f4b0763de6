/**
 * Discord's OpenAPI schemas made strict for ajv: an object that lists its properties accepts no
 * others (Discord silently ignores unknown fields, so a misspelt one would be a silent bug), and
 * `#/components/schemas/X` references point at one shared definitions schema.
 */

/** A JSON value, as the spec file holds it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** A JSON object. */
export type JsonObject = { [key: string]: Json };

/** The $id under which the spec's component schemas are registered with ajv (as its $defs). */
export const DEFS_ID = "https://discord.com/api/openapi/components";
/** Suffix of a component's open variant, used where it is one part of an allOf. */
const OPEN = "__open";

/** The spec's component schemas, strict, plus an open variant of each one used inside an allOf. */
export function strictDefinitions(spec: JsonObject): JsonObject {
  const schemas = (spec.components as JsonObject).schemas as JsonObject;
  const composed = composedComponents(spec);
  const defs: JsonObject = {};
  for (const [name, schema] of Object.entries(schemas)) {
    defs[name] = rewriteRefs(tighten(schema));
    if (composed.has(name)) defs[`${name}${OPEN}`] = rewriteRefs(tighten(schema, true));
  }
  return defs;
}

/** One schema from the spec (a request body, a parameter), strict and pointing at the shared definitions. */
export function strictSchema(schema: Json): Json {
  return rewriteRefs(tighten(schema));
}

/**
 * A copy of a schema in which every object that lists its properties accepts no others
 * (`unevaluatedProperties: false`), unless the schema already says what it does with extra ones.
 * Objects that are one part of an allOf with others stay open (a $ref to a component points at
 * its open variant); the allOf as a whole is closed instead.
 */
function tighten(schema: Json, open = false): Json {
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) return schema;
  const copy: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "properties" || key === "$defs" || key === "patternProperties") {
      copy[key] = Object.fromEntries(Object.entries(value as JsonObject).map(([name, sub]) => [name, tighten(sub)]));
    } else if (key === "allOf") {
      const parts = value as Json[];
      copy[key] = parts.map((part) => (parts.length > 1 ? openRef(tighten(part, true)) : tighten(part)));
    } else if (key === "anyOf" || key === "oneOf" || key === "prefixItems") {
      copy[key] = (value as Json[]).map((part) => tighten(part));
    } else if (key === "items" || key === "not" || key === "additionalProperties") {
      copy[key] = tighten(value);
    } else copy[key] = value;
  }
  const lists = "properties" in schema || (Array.isArray(schema.allOf) && schema.allOf.length > 1);
  if (lists && !open && !("additionalProperties" in schema) && !("unevaluatedProperties" in schema)) copy.unevaluatedProperties = false;
  return copy;
}

/** A reference to a component's open variant instead of the component. */
function openRef(part: Json): Json {
  // Idempotent: DiscordSpec.explain makes strict again alternatives that already are.
  if (typeof part !== "object" || part === null || Array.isArray(part) || typeof part.$ref !== "string" || part.$ref.endsWith(OPEN)) return part;
  return { ...part, $ref: `${part.$ref}${OPEN}` };
}

/** Components used as one part of an allOf with others: they also need an open variant (see tighten). */
function composedComponents(spec: JsonObject): Set<string> {
  const names = new Set<string>();
  const walk = (node: Json): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== "object" || node === null) return;
    if (Array.isArray(node.allOf) && node.allOf.length > 1) {
      for (const part of node.allOf) {
        const ref = typeof part === "object" && part !== null && !Array.isArray(part) ? part.$ref : undefined;
        if (typeof ref === "string") names.add(ref.replace("#/components/schemas/", ""));
      }
    }
    for (const value of Object.values(node)) walk(value);
  };
  walk(spec);
  return names;
}

/** Points "#/components/schemas/X" at the shared definitions schema. */
function rewriteRefs(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(rewriteRefs);
  if (typeof schema !== "object" || schema === null) return schema;
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, key === "$ref" && typeof value === "string" ? value.replace("#/components/schemas/", `${DEFS_ID}#/$defs/`) : rewriteRefs(value)]));
}
