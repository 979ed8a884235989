// Redocly plugin with the lint rules specific to Reprise's contracts.
import { findOverlaps } from './path-overlap.js';

/**
 * Reports path templates of one API that can match the same concrete URL, taking the `pattern`
 * of each path parameter into account (Redocly's built-in no-ambiguous-paths ignores patterns).
 */
function createNoOverlappingPathsRule() {
  return {
    Paths(paths, ctx) {
      const resolve = (node) => (node && typeof node === 'object' && '$ref' in node ? ctx.resolve(node).node : node);
      for (const overlap of findOverlaps(paths, { resolve })) {
        ctx.report({ message: overlap.message, location: ctx.location.child([overlap.b]).key() });
      }
    },
  };
}

/** Plugin entry point, in the shape Redocly CLI 2 expects from an ES module. */
export default function createReprisePlugin() {
  return {
    id: 'reprise',
    rules: {
      oas3: { 'no-overlapping-paths': createNoOverlappingPathsRule },
    },
  };
}
