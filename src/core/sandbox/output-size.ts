/**
 * The JSON text of a node's output, refused when it is larger than `maxBytes` (UTF-8). The one rule
 * for output size: sandbox processes apply it before sending a result back, the executor to every node.
 * A value JSON cannot express (undefined, a function) is recorded as null.
 */
export function serializeBounded(value: unknown, maxBytes: number): string {
  const json = JSON.stringify(value) ?? "null";
  // A UTF-8 byte is at most one UTF-16 unit of the text: only long texts need counting.
  if (json.length > maxBytes / 3) {
    const bytes = Buffer.byteLength(json);
    if (bytes > maxBytes) throw new OutputTooLargeError(bytes, maxBytes);
  }
  return json;
}

/** A node's output is over its limit. */
export class OutputTooLargeError extends Error {
  override readonly name = "OutputTooLargeError";
  readonly bytes: number;
  readonly maxBytes: number;
  constructor(bytes: number, maxBytes: number) {
    super(`output of ${bytes} bytes exceeds the limit of ${maxBytes} bytes`);
    this.bytes = bytes;
    this.maxBytes = maxBytes;
  }
}
