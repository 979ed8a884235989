// The API changelog in words: turns the changes `redocly diff` reports between two bundled
// descriptions into sentences a client developer can act on, grouped as breaking, non-breaking
// and documentation.
import { HTTP_METHODS, changeLocation, pointerTokens } from "./api-diff.mjs";

/** Properties whose change only alters what the description says, never what goes over the wire. */
const DOC_PROPERTIES = new Set(["description", "summary", "title", "example", "examples", "externalDocs", "tags", "x-vendor-operation-id"]);
const DOC_TYPES = new Set(["ExamplesMap", "Example", "NamedExamples", "TagList", "Tag", "ExternalDocs", "Info", "Contact", "License"]);
const CONSTRAINTS = new Set([
  "pattern",
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minItems",
  "maxItems",
  "uniqueItems",
  "minProperties",
  "maxProperties",
]);

/**
 * Describes every change of a diff report.
 * @param {object} report `redocly diff --format json` report of `base` → `revision`
 * @param {{ base: object, revision: object }} docs both bundled descriptions, parsed
 * @param {Map<object, { reason: string, date: string }>} approvals approval of each approved breaking change, by change
 * @returns {{ breaking: string[], nonBreaking: string[], documentation: string[], hidden: number }}
 *   `hidden` counts the changes to components that no operation shows (their effects are listed
 *   under the operations that use them).
 */
export function describeReport(report, docs, approvals = new Map()) {
  const usage = { base: componentUsage(docs.base), revision: componentUsage(docs.revision) };
  const groups = { breaking: [], nonBreaking: [], documentation: [], shared: new Map(), hidden: 0 };
  for (const change of reconcileParameters(report.changes, docs)) {
    const location = changeLocation(change);
    const breaking = change.impact === "major";
    if (!breaking && location.operation === undefined && /^#\/components\/(?!securitySchemes)/.test(change.path)) {
      groups.hidden += 1;
      continue;
    }
    const described = describeChange(change, location, docs);
    const shared = sharedComponent(change, location, usage);
    let text = described.text;
    if (shared) {
      text += ` (${shared.label}, shared with ${shared.others.length === 1 ? code(shared.others[0]) : `${shared.others.length} other operations`})`;
      groups.shared.set(shared.label, shared.users);
    }
    const approval = breaking ? approvals.get(change) : undefined;
    if (approval) text += `. Approved ${approval.date}: ${approval.reason}`;
    const group = breaking ? "breaking" : described.documentation ? "documentation" : "nonBreaking";
    if (!groups[group].includes(text)) groups[group].push(text);
  }
  return groups;
}

/**
 * `redocly diff` pairs the parameters of an operation by how alike they are, not by `in` and `name`:
 * reword the descriptions of two parameters and it can report one as removed, the other as added
 * and a rename between them, though both are still there (and compare the rest of each with the
 * wrong partner). For each operation where Redocly reports a parameter added, removed or renamed,
 * its parameter changes are worked out again from the two descriptions, pairing by `in` and `name`.
 */
export function reconcileParameters(changes, docs) {
  const underParameters = (location) => location.method && location.rest[0] === "parameters" && location.rest.length >= 2;
  const suspects = new Set();
  for (const change of changes) {
    const location = changeLocation(change);
    const identity = change.kind !== "modified" || change.property === "name" || change.property === "in";
    if (underParameters(location) && location.rest.length === 2 && change.typeName === "Parameter" && identity) {
      suspects.add(`${location.method} ${location.route}`);
    }
  }
  const done = new Set();
  return changes.flatMap((change) => {
    const location = changeLocation(change);
    const key = `${location.method} ${location.route}`;
    if (!underParameters(location) || !suspects.has(key)) return [change];
    // The operation's parameter changes, worked out again, in place of the first of Redocly's.
    if (done.has(key)) return [];
    done.add(key);
    return parameterChanges(location, docs);
  });
}

const SERIALIZATION = new Set(["style", "explode", "allowReserved", "allowEmptyValue", "content"]);

function parameterChanges(location, docs) {
  const before = effectiveParameters(docs.base, location.route, location.method);
  const after = effectiveParameters(docs.revision, location.route, location.method);
  const routePointer = `#/paths/${location.route.replace(/~/g, "~0").replace(/\//g, "~1")}`;
  const pointer = ({ own, index }) => (own ? `${routePointer}/${location.method}/parameters/${index}` : `${routePointer}/parameters/${index}`);
  const changes = [];
  for (const [key, found] of after) {
    const { parameter } = found;
    const old = before.get(key)?.parameter;
    if (!old) {
      const required = parameter.required === true;
      const verdicts = required
        ? [{ ruleId: "parameter-became-required", impact: "major", message: `Required \`${parameter.name}\` ${parameter.in} parameter was added.` }]
        : [];
      changes.push({ path: pointer(found), typeName: "Parameter", kind: "added", impact: required ? "major" : "minor", verdicts, revision: { value: parameter } });
      continue;
    }
    for (const property of new Set([...Object.keys(old), ...Object.keys(parameter)])) {
      if (property === "name" || property === "in") continue;
      const was = property === "schema" ? resolveDeep(docs.base, old.schema) : old[property];
      const now = property === "schema" ? resolveDeep(docs.revision, parameter.schema) : parameter[property];
      if (JSON.stringify(was) === JSON.stringify(now)) continue;
      let impact = "patch";
      let verdicts = [];
      if (property === "required" && now === true) {
        impact = "major";
        verdicts = [{ ruleId: "parameter-became-required", impact, message: `\`${parameter.name}\` ${parameter.in} parameter became required.` }];
      } else if (SERIALIZATION.has(property)) {
        impact = "major";
        verdicts = [{ ruleId: "parameter-serialization-changed", impact, message: `Serialization of \`${parameter.name}\` ${parameter.in} parameter changed.` }];
      } else if (property === "schema") impact = "minor";
      changes.push({ path: pointer(found), typeName: "Parameter", kind: "modified", property, impact, verdicts, base: { value: was }, revision: { value: now } });
    }
  }
  for (const [key, found] of before) {
    if (after.has(key)) continue;
    const { parameter } = found;
    const verdicts = [{ ruleId: "parameter-removed", impact: "major", message: `\`${parameter.name}\` ${parameter.in} parameter was removed.` }];
    changes.push({ path: pointer(found), typeName: "Parameter", kind: "removed", impact: "major", verdicts, base: { value: parameter } });
  }
  return changes;
}

/** A value with its internal `$ref`s replaced by what they point at (cycles left as references). */
function resolveDeep(doc, value, seen = new Set()) {
  if (Array.isArray(value)) return value.map((item) => resolveDeep(doc, item, seen));
  if (!value || typeof value !== "object") return value;
  if (typeof value.$ref === "string" && value.$ref.startsWith("#")) {
    if (seen.has(value.$ref)) return value;
    return resolveDeep(doc, resolvePointer(doc, pointerTokens(value.$ref)), new Set([...seen, value.$ref]));
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveDeep(doc, item, seen)]));
}

/** The parameters of an operation by `in` and `name` (a header's name in lower case), the operation's own over its path's. */
function effectiveParameters(doc, route, method) {
  const item = resolve(doc, ["paths", route]);
  const found = new Map();
  const add = (list, own) =>
    (Array.isArray(list) ? list : []).forEach((raw, index) => {
      const parameter = raw && typeof raw === "object" && typeof raw.$ref === "string" ? resolve(doc, pointerTokens(raw.$ref)) : raw;
      if (!parameter?.name) return;
      const name = parameter.in === "header" ? String(parameter.name).toLowerCase() : parameter.name;
      found.set(`${parameter.in} ${name}`, { parameter, index, own });
    });
  add(item?.parameters, false);
  add(item?.[method]?.parameters, true);
  return found;
}

/** One change in words: `{ text, documentation }`. */
export function describeChange(change, location, docs) {
  const doc = change.kind === "removed" ? docs.base : docs.revision;
  const documentation = isDocumentation(change);
  const say = (text) => ({ text, documentation });
  const { operation, rest } = location;
  const op = operation ? code(operation) : undefined;

  // Whole path items and operations.
  if (operation && rest.length === 0 && (change.kind === "added" || change.kind === "removed")) {
    const value = change.kind === "added" ? change.revision?.value : change.base?.value;
    const operations = location.method ? [[location.method, value]] : Object.entries(value ?? {}).filter(([key]) => HTTP_METHODS.includes(key));
    const route = location.route;
    const lines = operations.map(([method, body]) => {
      const name = code(`${method.toUpperCase()} ${route}`);
      const summary = body?.summary ? `: ${oneLine(body.summary)}` : "";
      return change.kind === "added" ? `New operation ${name}${summary}` : `Operation ${name} removed`;
    });
    if (lines.length) return say(lines.join("; "));
  }
  if (operation && location.method && rest.length === 0 && change.kind === "modified") {
    return say(describeModified(change, `${op}`, { operationLevel: true }));
  }

  if (operation) {
    const context = describeContext(location, doc);
    if (context) return say(describeInContext(change, context, docs));
  }

  // Outside operations.
  const tokens = pointerTokens(change.path);
  if (tokens[0] === "servers") {
    const server = change.kind === "removed" ? change.base?.value : change.revision?.value;
    const url = server?.url ? code(server.url) : `#${tokens[1]}`;
    if (change.kind === "added") return say(`New server ${url}${server?.description ? ` (${oneLine(server.description)})` : ""}`);
    if (change.kind === "removed") return say(`Server ${url} removed`);
  }
  if (tokens[0] === "info" && change.property === "version") {
    return say(`Version changes from ${code(change.base?.value)} to ${code(change.revision?.value)}`);
  }
  if (tokens[0] === "info" || tokens[0] === "tags") {
    const what = tokens[0] === "info" ? "API information" : "Tags";
    return say(`${what} ${change.property ? `(${change.property}) ` : ""}${pastTense(change.kind)}`);
  }
  return say(fallback(change, location));
}

/** What a change inside an operation is about: a parameter, the request body, a response, a header; and the field. */
function describeContext(location, doc) {
  const { rest } = location;
  const opTokens = ["paths", location.route, ...(location.method ? [location.method] : [])];
  const op = code(location.operation);
  if (rest[0] === "parameters" && rest[1] !== undefined) {
    const parameter = resolve(doc, [...opTokens, "parameters", rest[1]]);
    const name = parameter?.name ? `${parameter.in ?? ""} parameter ${code(parameter.name)}`.trim() : `parameter ${Number(rest[1]) + 1}`;
    const inner = rest.slice(2);
    return {
      kind: "parameter",
      parameter,
      subject: `${name} of ${op}`,
      direction: "request",
      depth: 2,
      schema: inner[0] === "schema" ? inner.slice(1) : undefined,
      tail: inner,
    };
  }
  if (rest[0] === "requestBody") {
    const media = rest[1] === "content" ? rest[2] : undefined;
    return {
      kind: "requestBody",
      subject: `request body${mediaNote(media)} of ${op}`,
      direction: "request",
      depth: 1,
      media,
      schema: rest[3] === "schema" ? rest.slice(4) : undefined,
      tail: rest.slice(1),
    };
  }
  if (rest[0] === "responses" && rest[1] !== undefined) {
    const status = rest[1];
    if (rest[2] === "headers" && rest[3] !== undefined) {
      return {
        kind: "header",
        header: rest[3],
        status,
        subject: `header ${code(rest[3])} of response ${status} of ${op}`,
        direction: "response",
        depth: 4,
        schema: rest[4] === "schema" ? rest.slice(5) : undefined,
        tail: rest.slice(4),
      };
    }
    const media = rest[2] === "content" ? rest[3] : undefined;
    return {
      kind: "response",
      status,
      subject: `response ${status}${mediaNote(media)} of ${op}`,
      direction: "response",
      depth: 2,
      media,
      schema: rest[4] === "schema" ? rest.slice(5) : undefined,
      tail: rest.slice(2),
    };
  }
  return undefined;
}

function describeInContext(change, context, docs) {
  const { subject, direction } = context;
  const Subject = capitalize(subject);
  const value = change.kind === "removed" ? change.base?.value : change.revision?.value;

  // A schema, or something inside one.
  if (context.schema !== undefined) {
    const field = fieldPath(context.schema);
    const last = context.schema.at(-2) === "properties" ? context.schema.at(-1) : undefined;
    if (change.kind === "added" || change.kind === "removed") {
      if (last !== undefined) {
        const parentTokens = pointerTokens(change.path).slice(0, -2);
        const doc = change.kind === "added" ? docs.revision : docs.base;
        const required = (resolve(doc, parentTokens)?.required ?? []).includes(last);
        if (direction === "response") {
          return change.kind === "added"
            ? `${Subject} gains ${required ? "field" : "optional field"} ${code(field)}`
            : `${Subject} no longer has field ${code(field)}`;
        }
        return change.kind === "added"
          ? required
            ? `${Subject} requires new field ${code(field)}`
            : `${Subject} accepts new optional field ${code(field)}`
          : `${Subject} no longer accepts field ${code(field)}`;
      }
      return `${capitalize(thing(field, subject))}: schema ${pastTense(change.kind)}`;
    }
    return describeSchemaModified(change, field, subject, direction);
  }

  // The parameter, body, response or header itself.
  const rest = context.tail;
  if (rest.length === 0 || (context.kind === "response" && rest.length === 0)) {
    if (change.kind === "added") {
      if (context.kind === "parameter") {
        const p = value ?? context.parameter ?? {};
        const what = `${p.in ?? ""} parameter ${code(p.name ?? "?")}`.replace(/^ /, "");
        return p.required ? `${capitalize(subjectOp(subject))} requires new ${what}` : `${capitalize(subjectOp(subject))} accepts new optional ${what}`;
      }
      if (context.kind === "response") {
        return `New response ${context.status} for ${subjectOp(subject)}${value?.description ? `: ${oneLine(value.description)}` : ""}`;
      }
      if (context.kind === "requestBody") return `${capitalize(subjectOp(subject))} accepts a request body`;
      if (context.kind === "header") return `Response ${context.status} of ${subjectOp(subject)} gains header ${code(context.header)}`;
    }
    if (change.kind === "removed") {
      if (context.kind === "parameter") {
        const p = value ?? {};
        return `${capitalize(subjectOp(subject))} no longer takes ${`${p.in ?? ""} parameter`.trim()} ${code(p.name ?? "?")}`;
      }
      if (context.kind === "response") return `${capitalize(subjectOp(subject))} no longer documents response ${context.status}`;
      if (context.kind === "requestBody") return `${capitalize(subjectOp(subject))} no longer takes a request body`;
      if (context.kind === "header") return `Response ${context.status} of ${subjectOp(subject)} no longer has header ${code(context.header)}`;
    }
    if (change.kind === "modified") {
      if (change.property === "required" && context.kind !== "response") {
        return `${Subject} becomes ${change.revision?.value ? "required" : "optional"}`;
      }
      return describeModified(change, subject);
    }
  }
  // A media type of a body.
  if (rest[0] === "content" && rest.length === 2 && (change.kind === "added" || change.kind === "removed")) {
    const media = code(rest[1]);
    const where = context.kind === "response" ? `Response ${context.status} of ${subjectOp(subject)}` : `Request body of ${subjectOp(subject)}`;
    return change.kind === "added" ? `${where} can now be ${media}` : `${where} can no longer be ${media}`;
  }
  // Examples of a body.
  if (rest.at(-1) === "examples" || rest.at(-1) === "example") {
    return `Examples of ${subject} ${pastTense(change.kind)}`;
  }
  return `${capitalize(subject)}: ${rest.join("/")}${change.property ? ` · ${change.property}` : ""} ${pastTense(change.kind)}`;
}

function describeSchemaModified(change, field, subject, direction) {
  const before = change.base?.value;
  const after = change.revision?.value;
  const target = thing(field, subject);
  switch (change.property) {
    case "enum": {
      const name = field ? `Enum ${code(field)} in ${subject}` : `Enum of ${subject}`;
      if (!Array.isArray(before)) return `${capitalize(target)} is now limited to ${list(after)}`;
      if (!Array.isArray(after)) return `${capitalize(target)} is no longer limited to a list of values`;
      const gained = after.filter((v) => !before.includes(v));
      const lost = before.filter((v) => !after.includes(v));
      const parts = [];
      if (gained.length) parts.push(`gains ${gained.length === 1 ? "value" : "values"} ${list(gained)}`);
      if (lost.length) parts.push(`loses ${lost.length === 1 ? "value" : "values"} ${list(lost)}`);
      return parts.length ? `${name} ${parts.join(" and ")}` : `${name} lists its values in another order`;
    }
    case "required": {
      const was = Array.isArray(before) ? before : [];
      const now = Array.isArray(after) ? after : [];
      const prefix = field ? `${field}.` : "";
      const added = now.filter((v) => !was.includes(v)).map((v) => code(prefix + v));
      const dropped = was.filter((v) => !now.includes(v)).map((v) => code(prefix + v));
      const Subject = capitalize(subject);
      const parts = [];
      if (direction === "response") {
        if (added.length) parts.push(`${Subject} now always has ${join(added)}`);
        if (dropped.length) parts.push(`${Subject} may now leave out ${join(dropped)}`);
      } else {
        if (added.length) parts.push(`${Subject} now requires ${join(added)}`);
        if (dropped.length) parts.push(`${Subject} no longer requires ${join(dropped)}`);
      }
      return parts.join("; ") || `${Subject}: required fields reordered`;
    }
    case "type":
      return `Type of ${target} changes from ${code(before ?? "any")} to ${code(after ?? "any")}`;
    case "nullable":
      return `${capitalize(target)} ${after ? "can now be null" : "can no longer be null"}`;
    case "deprecated":
      return `${capitalize(target)} ${after ? "is now deprecated" : "is no longer deprecated"}`;
    case "readOnly":
    case "writeOnly":
      return `${capitalize(target)} ${after ? "is now" : "is no longer"} ${change.property}`;
    case "format":
    case "default":
      if (before === undefined) return `${capitalize(target)} gains ${change.property} ${code(after)}`;
      if (after === undefined) return `${capitalize(target)} loses ${change.property} ${code(before)}`;
      return `${capitalize(change.property)} of ${target} changes from ${code(before)} to ${code(after)}`;
    default:
      if (CONSTRAINTS.has(change.property)) {
        if (before === undefined) return `${capitalize(target)} gains constraint ${change.property} ${code(after)}`;
        if (after === undefined) return `${capitalize(target)} loses constraint ${change.property} ${code(before)}`;
        return `Constraint ${change.property} of ${target} changes from ${code(before)} to ${code(after)}`;
      }
      return describeModified(change, target);
  }
}

/** A modified property of an operation, parameter, response or schema, in general terms. */
function describeModified(change, target, { operationLevel = false } = {}) {
  const before = change.base?.value;
  const after = change.revision?.value;
  const property = change.property ?? "definition";
  if (operationLevel && property === "operationId") {
    return before === undefined
      ? `${target} gets operation ID ${code(after)}`
      : `Operation ID of ${target} changes from ${code(before)} to ${code(after)} (generated clients name the method after it)`;
  }
  if (property === "deprecated") return `${capitalize(target)} ${after ? "is now deprecated" : "is no longer deprecated"}`;
  if (property === "summary" && typeof after === "string") return `Summary of ${target} changes to “${oneLine(after)}”`;
  if (property === "tags" && Array.isArray(after)) return `Tags of ${target} change to ${list(after)}`;
  if (DOC_PROPERTIES.has(property) || property.startsWith("x-")) {
    const word = { description: "Description", example: "Example", examples: "Examples", externalDocs: "External docs", title: "Title" }[property];
    return `${word ?? `\`${property}\``} of ${target} ${before === undefined ? "added" : after === undefined ? "removed" : "changed"}`;
  }
  if (before === undefined) return `${capitalize(target)} gains ${code(property)} ${short(after)}`;
  if (after === undefined) return `${capitalize(target)} loses ${code(property)} ${short(before)}`;
  return `${code(property)} of ${target} changes from ${short(before)} to ${short(after)}`;
}

function fallback(change, location) {
  const messages = (change.verdicts ?? []).map((verdict) => verdict.message.trim()).join(" ");
  const what = `${location.display}${change.property ? ` · ${change.property}` : ""}`;
  return `${code(what)} ${pastTense(change.kind)}${messages ? `: ${messages}` : ""}`;
}

function isDocumentation(change) {
  if (change.impact === "major") return false;
  if (DOC_TYPES.has(change.typeName)) return true;
  const property = change.property;
  if (property && (DOC_PROPERTIES.has(property) || property.startsWith("x-"))) return true;
  const last = pointerTokens(change.path).at(-1);
  return (change.kind === "added" || change.kind === "removed") && (last === "examples" || last === "example" || last?.startsWith("x-"));
}

/**
 * The component a change was made in, when other operations use it too: `{ label, users, others }`
 * (label such as "schema `WorkflowRun`"; users every operation that uses it; others all but the change's own).
 */
function sharedComponent(change, location, usage) {
  const source = change.kind === "removed" ? change.base?.pointer : (change.revision?.pointer ?? change.base?.pointer);
  const match = /^#\/components\/([^/]+)\/([^/]+)/.exec(source ?? "");
  if (!match || !location.operation) return undefined;
  const users = [...((change.kind === "removed" ? usage.base : usage.revision).get(match[0]) ?? [])].sort(compareOperations);
  const others = users.filter((operation) => operation !== location.operation);
  if (others.length === 0) return undefined;
  const kind = { schemas: "schema", responses: "response", parameters: "parameter", headers: "header", requestBodies: "request body" }[match[1]] ?? match[1];
  return { label: `${kind} ${code(decodeToken(match[2]))}`, users, others };
}

/** For each component (`#/components/schemas/X`), the operations that reach it through `$ref`s. */
export function componentUsage(doc) {
  const usage = new Map();
  if (!doc?.paths) return usage;
  const reachable = new Map();
  const refsOf = (node, found = new Set()) => {
    if (Array.isArray(node)) for (const item of node) refsOf(item, found);
    else if (node && typeof node === "object") {
      for (const [key, value] of Object.entries(node)) {
        if (key === "$ref" && typeof value === "string") {
          const component = /^#\/components\/[^/]+\/[^/]+/.exec(value)?.[0];
          if (component) found.add(component);
        } else refsOf(value, found);
      }
    }
    return found;
  };
  const closure = (start) => {
    const seen = new Set();
    const queue = [...start];
    while (queue.length) {
      const component = queue.pop();
      if (seen.has(component)) continue;
      seen.add(component);
      if (!reachable.has(component)) reachable.set(component, refsOf(resolvePointer(doc, pointerTokens(component))));
      queue.push(...reachable.get(component));
    }
    return seen;
  };
  for (const [route, item] of Object.entries(doc.paths)) {
    if (!item || typeof item !== "object") continue;
    for (const method of HTTP_METHODS) {
      if (!item[method]) continue;
      const operation = `${method.toUpperCase()} ${route}`;
      const start = refsOf([item[method], item.parameters ?? []]);
      for (const component of closure(start)) {
        if (!usage.has(component)) usage.set(component, new Set());
        usage.get(component).add(operation);
      }
    }
  }
  return usage;
}

/** Walks a pointer through a document, following internal `$ref`s on the way (as the diff walks it). */
export function resolve(doc, tokens) {
  let node = doc;
  const deref = (value) => {
    let guard = 0;
    while (value && typeof value === "object" && typeof value.$ref === "string" && value.$ref.startsWith("#") && guard++ < 32) {
      value = resolvePointer(doc, pointerTokens(value.$ref));
    }
    return value;
  };
  for (const token of tokens) {
    node = deref(node);
    if (node === null || typeof node !== "object") return undefined;
    node = node[token];
  }
  return deref(node);
}

function resolvePointer(doc, tokens) {
  let node = doc;
  for (const token of tokens) {
    if (node === null || typeof node !== "object") return undefined;
    node = node[token];
  }
  return node;
}

/** Schema tokens below a body's schema → `new_run.logs[].run_id`. */
export function fieldPath(tokens) {
  let field = "";
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i];
    if (token === "properties" && tokens[i + 1] !== undefined) {
      field += (field ? "." : "") + tokens[i + 1];
      i += 1;
    } else if (token === "items") field += "[]";
    else if (token === "additionalProperties") field += (field ? "." : "") + "*";
    else if (["allOf", "oneOf", "anyOf"].includes(token)) i += 1;
  }
  return field.replace(/^\[\]/, "[]");
}

function thing(field, subject) {
  return field ? `${code(field)} in ${subject}` : `the body of ${subject}`;
}

function subjectOp(subject) {
  return subject.replace(/^.* of (`[^`]+`)$/, "$1");
}

function mediaNote(media) {
  return media && media !== "application/json" ? ` (${code(media)})` : "";
}

function pastTense(kind) {
  return { added: "added", removed: "removed", modified: "changed" }[kind] ?? kind;
}

function compareOperations(a, b) {
  const [ma, pa] = a.split(" ");
  const [mb, pb] = b.split(" ");
  return pa === pb ? HTTP_METHODS.indexOf(ma.toLowerCase()) - HTTP_METHODS.indexOf(mb.toLowerCase()) : pa < pb ? -1 : 1;
}

function decodeToken(token) {
  return token.replace(/~1/g, "/").replace(/~0/g, "~");
}

function code(value) {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  const fence = text.includes("`") ? "``" : "`";
  return `${fence}${fence.length > 1 ? " " : ""}${text}${fence.length > 1 ? " " : ""}${fence}`;
}

function short(value) {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return code(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}

function list(values) {
  return join((values ?? []).map(code));
}

function join(items) {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

function oneLine(text) {
  const line = String(text).replace(/\s+/g, " ").trim();
  const sentence = /^(.+?[.!?])(\s|$)/.exec(line)?.[1] ?? line;
  return sentence.length > 120 ? `${sentence.slice(0, 118).replace(/[\s,;:]+\S*$/, "")}...` : sentence;
}

function capitalize(text) {
  return text ? text[0].toUpperCase() + text.slice(1) : text;
}

/**
 * The Markdown section of one comparison: a summary line and the three groups.
 * @param {{ title: string, from: string, to: string, groups: ReturnType<typeof describeReport>, note?: string }} section
 */
export function renderSection({ title, from, to, groups, note }) {
  const lines = [`### ${title}`, ""];
  lines.push(
    `${code(from)} → ${code(to)}: ${groups.breaking.length} breaking, ${groups.nonBreaking.length} non-breaking, ` +
      `${groups.documentation.length} documentation.`,
  );
  if (note) lines.push("", note);
  for (const [heading, items] of [
    ["Breaking", groups.breaking],
    ["Non-breaking", groups.nonBreaking],
    ["Documentation", groups.documentation],
  ]) {
    lines.push("", `#### ${heading}`, "");
    if (items.length === 0) lines.push("None.");
    for (const item of items) lines.push(`- ${item}`);
  }
  if (groups.shared?.size) {
    lines.push("", "#### Shared definitions", "", "A change above made in a shared definition reaches every operation that uses it:", "");
    for (const [label, users] of [...groups.shared].sort(([a], [b]) => (a < b ? -1 : 1))) {
      lines.push(`- ${capitalize(label)}: ${join(users.map(code))}`);
    }
  }
  return lines.join("\n");
}
