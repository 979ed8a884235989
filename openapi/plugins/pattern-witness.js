// Small, conservative facts about regular expressions, used to decide whether two path
// parameters can take the same value.

/** The literal text a `^`-anchored pattern requires first, or null when it is not anchored. */
export function extractLiteralPrefix(pattern) {
  // A top-level alternative could start with anything, so no prefix is certain.
  if (!pattern.startsWith('^') || /(^|[^\\])\|/.test(pattern)) return null;
  let prefix = '';
  for (let i = 1; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\' && i + 1 < pattern.length && /[^\w\s]/.test(pattern[i + 1])) {
      prefix += pattern[++i];
      continue;
    }
    if (/[\\^$.|?*+()[\]{}]/.test(char)) {
      // A quantifier makes the last literal character optional or repeatable, so drop it.
      if (/[?*{]/.test(char)) prefix = prefix.slice(0, -1);
      break;
    }
    prefix += char;
  }
  return prefix;
}

/**
 * Builds one string that `pattern` accepts, for simple patterns made of literals, escapes, classes
 * and quantifiers; returns null for anything else (groups, alternation, lookarounds).
 */
export function synthesizeMatch(pattern) {
  let out = '';
  let i = 0;
  const body = pattern.replace(/^\^/, '').replace(/(?<!\\)\$$/, '');
  while (i < body.length) {
    let unit;
    const char = body[i];
    if (char === '\\') {
      const next = body[i + 1] ?? '';
      unit = { d: '0', w: 'a', s: ' ' }[next] ?? (/[A-Za-z]/.test(next) ? null : next);
      i += 2;
    } else if (char === '[') {
      const end = body.indexOf(']', i + 2);
      if (end < 0) return null;
      const inner = body.slice(i + 1, end);
      unit = inner.startsWith('^') ? null : inner.replace(/^\\/, '')[0] ?? null;
      i = end + 1;
    } else if (char === '.') {
      unit = 'a';
      i += 1;
    } else if (/[()|^$?*+{}]/.test(char)) {
      return null;
    } else {
      unit = char;
      i += 1;
    }
    if (unit === null) return null;
    const quantifier = /^(?:\{(\d+)(?:,\d*)?\}|[+*?])/.exec(body.slice(i));
    let times = 1;
    if (quantifier) {
      times = quantifier[1] !== undefined ? Number(quantifier[1]) : quantifier[0] === '+' ? 1 : 0;
      i += quantifier[0].length;
    }
    out += unit.repeat(times);
  }
  return testPattern(pattern, out) ? out : null;
}

/** Tests `value` against `pattern`; an invalid pattern is treated as accepting everything. */
export function testPattern(pattern, value) {
  try {
    return new RegExp(pattern).test(value);
  } catch {
    return true;
  }
}
