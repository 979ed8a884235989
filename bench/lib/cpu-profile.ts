import { readFileSync } from "node:fs";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** One row of a self-time summary. */
export interface SelfTimeRow {
  name: string;
  ms: number;
  /** Share of the busy (non-idle) time. */
  share: number;
}

/** Self time of a `.cpuprofile`: top frames, and the same grouped by package or source folder. */
export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  busyMs: number;
  frames: SelfTimeRow[];
  groups: SelfTimeRow[];
  /** Time in stacks that pass through each package or folder (a sample counts once per group). */
  inclusive: SelfTimeRow[];
}

/** Sums each sample's time delta onto its leaf frame (self time), ignoring `(idle)` for shares. */
export function summarizeCpuProfile(file: string, top = 5): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parentOf.set(child, n.id);
  const frames = new Map<string, number>();
  const groups = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i + 1] ?? 0; // a delta is the time until the next sample
    const frame = byId.get(id)?.callFrame;
    if (!frame) return;
    totalUs += us;
    if (frame.functionName === "(idle)") return void (idleUs += us);
    const key = `${frame.functionName || "(anonymous)"} ${shortUrl(frame.url)}${frame.url ? `:${frame.lineNumber + 1}` : ""}`;
    frames.set(key, (frames.get(key) ?? 0) + us);
    const group = groupOf(frame);
    groups.set(group, (groups.get(group) ?? 0) + us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const f = byId.get(at)?.callFrame;
      if (f && f.url) seen.add(groupOf(f));
    }
    for (const g of seen) inclusive.set(g, (inclusive.get(g) ?? 0) + us);
  });
  const busyUs = totalUs - idleUs;
  const rows = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: us / 1000, share: us / busyUs }));
  return {
    totalMs: totalUs / 1000,
    idleMs: idleUs / 1000,
    busyMs: busyUs / 1000,
    frames: rows(frames),
    groups: rows(groups),
    inclusive: [...inclusive.entries()].sort((a, b) => b[1] - a[1]).map(([name, v]) => ({ name, ms: v / 1000, share: v / busyUs })),
  };
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) return url.slice(nm + "node_modules/".length);
  const src = url.search(/\/(src|bench)\//);
  if (src >= 0) return url.slice(src + 1);
  return url.replace(/^file:\/\//, "");
}

/** The npm package, `node:` internals, or the project folder a frame belongs to. */
function groupOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url.slice(url.lastIndexOf("node_modules/")));
  if (nm?.[1]) return nm[1];
  if (url.startsWith("node:")) return `node:${url.slice(5).split("/")[1] ?? url.slice(5)}`;
  const own = /\/((?:src|bench)\/[^/]+)/.exec(url);
  return own?.[1] ?? url;
}
