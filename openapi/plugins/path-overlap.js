// Pure detection of path templates that can match the same concrete URL.
// Plain ESM JavaScript because Redocly loads plugins with Node's own import().

import { extractLiteralPrefix, synthesizeMatch, testPattern } from './pattern-witness.js';

export { extractLiteralPrefix, synthesizeMatch } from './pattern-witness.js';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const PARAM_SEGMENT = /^\{([^{}]+)\}$/;

/**
 * Lists every pair of path templates in an OpenAPI `paths` map that can match one concrete URL.
 * `resolve` turns a `$ref` node into its target; without it only `#/...` refs into `document` resolve.
 * @param {Record<string, unknown>} paths
 * @param {{ resolve?: (node: unknown) => unknown, document?: unknown }} [options]
 * @returns {import('./path-overlap.d.ts').Overlap[]}
 */
export function findOverlaps(paths, options = {}) {
  const resolve = options.resolve ?? createLocalResolver(options.document);
  const templates = Object.entries(paths ?? {}).map(([path, item]) =>
    describeTemplate(path, resolve(item) ?? {}, resolve),
  );
  const overlaps = [];
  for (let i = 0; i < templates.length; i++) {
    for (let j = i + 1; j < templates.length; j++) {
      const overlap = compareTemplates(templates[i], templates[j]);
      if (overlap) overlaps.push(overlap);
    }
  }
  return overlaps;
}

/**
 * Collects, for every path parameter of one template, the patterns and example values declared
 * for it at path level and in every operation.
 */
function describeTemplate(path, item, resolve) {
  const declarations = [...toArray(item.parameters)];
  for (const method of HTTP_METHODS) {
    const operation = resolve(item[method]);
    if (operation) declarations.push(...toArray(operation.parameters));
  }
  const params = new Map();
  for (const raw of declarations) {
    const param = resolve(raw);
    if (!param || param.in !== 'path' || typeof param.name !== 'string') continue;
    const schema = resolve(param.schema) ?? {};
    const info = params.get(param.name) ?? { patterns: [], unpatterned: false, examples: [] };
    if (typeof schema.pattern === 'string') info.patterns.push(schema.pattern);
    else info.unpatterned = true;
    info.examples.push(...collectExamples(param, schema, resolve));
    params.set(param.name, info);
  }
  const segments = path.split('/').slice(1).map((text) => {
    const match = PARAM_SEGMENT.exec(text);
    if (!match) return { kind: text.includes('{') ? 'mixed' : 'literal', text };
    const name = match[1];
    // A parameter that is never declared accepts anything, as far as the contract says.
    const info = params.get(name) ?? { patterns: [], unpatterned: true, examples: [] };
    return { kind: 'param', text, name, ...info };
  });
  return { path, segments };
}

function collectExamples(param, schema, resolve) {
  const values = [param.example, schema.example];
  for (const example of Object.values(param.examples ?? {})) values.push(resolve(example)?.value);
  return values.filter((value) => typeof value === 'string' || typeof value === 'number').map(String);
}

/** Decides whether two templates can match one URL; returns the clash with a witness URL, or null. */
function compareTemplates(a, b) {
  if (a.segments.length !== b.segments.length) return null;
  const witness = [];
  const fixes = [];
  for (let k = 0; k < a.segments.length; k++) {
    const step = compareSegments(a.segments[k], b.segments[k]);
    if (!step) return null;
    witness.push(step.value);
    if (step.fix) fixes.push(step.fix);
  }
  const url = '/' + witness.join('/');
  return { a: a.path, b: b.path, url, fixes, message: formatMessage(a.path, b.path, url, fixes) };
}

/** Compares one position of two templates: null when no value fits both, else a shared value. */
function compareSegments(x, y) {
  if (x.kind === 'literal' && y.kind === 'literal') return x.text === y.text ? { value: x.text } : null;
  if (x.kind === 'literal') return compareLiteralWithVariable(x.text, y);
  if (y.kind === 'literal') return compareLiteralWithVariable(y.text, x);
  if (x.kind === 'mixed' || y.kind === 'mixed') {
    // Templated fragments inside a segment are rare; treat them as matching anything.
    return { value: x.kind === 'param' ? pickSampleValue(x) : y.kind === 'param' ? pickSampleValue(y) : x.text };
  }
  return compareParams(x, y);
}

function compareLiteralWithVariable(literal, variable) {
  if (variable.kind === 'mixed') {
    return compileSegment(variable.text).test(literal) ? { value: literal } : null;
  }
  if (!acceptsValue(variable, literal)) return null;
  return { value: literal, fix: `give \`${variable.name}\` a pattern that excludes \`${literal}\`` };
}

/** Two parameters clash when both are unpatterned, or when some string is accepted by both. */
function compareParams(x, y) {
  const fix = `give \`${x.name}\` and \`${y.name}\` patterns with different literal prefixes`;
  if (x.unpatterned && y.unpatterned) return { value: pickSampleValue(x), fix };
  if (hasDisjointPrefixes(x, y)) return null;
  const candidates = [...listWitnesses(x), ...listWitnesses(y)];
  const shared = candidates.find((value) => acceptsValue(x, value) && acceptsValue(y, value));
  if (shared !== undefined) return { value: shared, fix };
  // One side accepts anything: the other side's values all clash, even when none can be built here.
  if (x.unpatterned || y.unpatterned) return { value: `{${x.unpatterned ? y.name : x.name}}`, fix };
  return null;
}

/** Candidate values of a parameter: its examples, strings built from its patterns, their prefixes. */
function listWitnesses(param) {
  const built = param.patterns.map(synthesizeMatch).filter((value) => value !== null);
  return [...param.examples, ...built, ...listPrefixes(param)];
}

/** True when some declaration of the parameter allows `value` (an unpatterned one allows all). */
function acceptsValue(param, value) {
  if (param.unpatterned) return value.length > 0;
  return param.patterns.some((pattern) => testPattern(pattern, value));
}

/** True when every pattern pair starts with literal prefixes neither of which extends the other. */
function hasDisjointPrefixes(x, y) {
  if (x.unpatterned || y.unpatterned) return false;
  return x.patterns.every((p) =>
    y.patterns.every((q) => {
      const a = extractLiteralPrefix(p);
      const b = extractLiteralPrefix(q);
      return a !== null && b !== null && !a.startsWith(b) && !b.startsWith(a);
    }),
  );
}

function listPrefixes(param) {
  return param.patterns.map(extractLiteralPrefix).filter((prefix) => prefix);
}

function pickSampleValue(param) {
  return param.examples[0] ?? param.name.toLowerCase();
}

function compileSegment(text) {
  const source = text
    .split(/(\{[^{}]+\})/)
    .map((part) => (PARAM_SEGMENT.test(part) ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

function formatMessage(a, b, url, fixes) {
  const fix = fixes.length ? `; to tell them apart, ${fixes.join(', or ')}` : '';
  return `Paths \`${a}\` and \`${b}\` both match \`${url}\`${fix}.`;
}

function createLocalResolver(document) {
  return function resolveLocal(node) {
    if (!node || typeof node !== 'object' || typeof node.$ref !== 'string') return node;
    if (!document || !node.$ref.startsWith('#/')) return undefined;
    let target = document;
    for (const key of node.$ref.slice(2).split('/')) {
      target = target?.[key.replace(/~1/g, '/').replace(/~0/g, '~')];
    }
    return resolveLocal(target);
  };
}

function toArray(value) {
  return Array.isArray(value) ? value : [];
}
