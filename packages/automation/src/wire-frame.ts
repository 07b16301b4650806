/** The protocol name and version both sides put in their `hello` frame (see `PROTOCOL.md`). */
export const WIRE_PROTOCOL = 'certexit-automation';
export const WIRE_PROTOCOL_VERSION = 1;
/** The default largest frame, in bytes of UTF-8 without the newline: 4 MiB. */
export const DEFAULT_MAX_FRAME_BYTES = 4 * 1024 * 1024;

/** A frame of the out-of-process protocol: one JSON object on one line. */
export type WireFrame = { readonly t: string; readonly [key: string]: unknown };

/**
 * Splits a byte stream into newline-delimited frames, refusing a frame longer than `maxFrameBytes` as soon as it
 * is known (without buffering past the limit). Empty lines are ignored and a trailing `\r` is dropped.
 */
export class FrameSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  constructor(
    private readonly maxFrameBytes: number,
    private readonly onLine: (line: string) => boolean,
    private readonly onOversized: (bytes: number) => void,
  ) {}

  /** Feeds a chunk; stops early (returns false) once `onLine` returns false or a frame is too big. */
  push(chunk: Buffer): boolean {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl === -1) {
        const rest = chunk.subarray(start);
        this.pendingBytes += rest.length;
        if (this.pendingBytes > this.maxFrameBytes) {
          this.onOversized(this.pendingBytes);
          return false;
        }
        if (rest.length > 0) this.pending.push(rest);
        return true;
      }
      let line = chunk.subarray(start, nl);
      if (this.pending.length > 0) {
        this.pending.push(line);
        line = Buffer.concat(this.pending);
        this.pending = [];
        this.pendingBytes = 0;
      }
      start = nl + 1;
      if (line.length > this.maxFrameBytes) {
        this.onOversized(line.length);
        return false;
      }
      const end = line.length > 0 && line[line.length - 1] === 13 ? line.length - 1 : line.length;
      if (end === 0) continue;
      if (!this.onLine(line.toString('utf8', 0, end))) return false;
    }
  }
}
