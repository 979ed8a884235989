/** Two path templates that can match one concrete URL. */
export interface Overlap {
  /** The template declared first. */
  a: string;
  /** The template declared later, where the problem is reported. */
  b: string;
  /** A concrete URL both templates match (a `{name}` placeholder when no value could be built). */
  url: string;
  /** One hint per clashing position, naming the parameter to constrain. */
  fixes: string[];
  /** The lint message. */
  message: string;
}

/** Options for findOverlaps. */
export interface FindOverlapsOptions {
  /** Turns a `$ref` node into its target; defaults to resolving `#/...` refs against `document`. */
  resolve?: (node: unknown) => unknown;
  /** The whole OpenAPI document, for the default resolver. */
  document?: unknown;
}

/** Lists every pair of path templates in an OpenAPI `paths` map that can match one concrete URL. */
export function findOverlaps(paths: Record<string, unknown>, options?: FindOverlapsOptions): Overlap[];

/** The literal text a `^`-anchored pattern requires first, or null when none is certain. */
export function extractLiteralPrefix(pattern: string): string | null;

/** One string that a simple pattern accepts, or null when the pattern is too complex to build one. */
export function synthesizeMatch(pattern: string): string | null;
