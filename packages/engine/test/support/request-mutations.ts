/**
 * Generated malformed requests for fuzzing: seeded mutations of a valid DER request (bit flips, truncations,
 * length-byte changes, inserted and duplicated bytes, random garbage), reproducible from the seed.
 */
export function* requestMutations(valid: Uint8Array, count: number, seed = 0x5eed): Generator<Uint8Array> {
  let state = seed >>> 0;
  // mulberry32: small, fast and seedable, so a failing case can be replayed.
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const at = (n: number) => Math.floor(random() * n);
  for (let i = 0; i < count; i++) {
    const bytes = valid.slice();
    switch (i % 6) {
      case 0:
        for (let k = 0; k <= at(4); k++) bytes[at(bytes.length)]! ^= 1 << at(8);
        yield bytes;
        break;
      case 1:
        yield bytes.subarray(0, at(bytes.length));
        break;
      case 2: {
        // Length bytes sit near the start of each TLV; nudging them breaks the structure in interesting ways.
        const position = at(Math.min(40, bytes.length));
        bytes[position] = (bytes[position]! + 1 + at(255)) & 0xff;
        yield bytes;
        break;
      }
      case 3: {
        const position = at(bytes.length);
        const insert = Uint8Array.from({ length: 1 + at(16) }, () => at(256));
        yield Uint8Array.from([...bytes.subarray(0, position), ...insert, ...bytes.subarray(position)]);
        break;
      }
      case 4: {
        const start = at(bytes.length);
        yield Uint8Array.from([...bytes, ...bytes.subarray(start, start + at(64))]);
        break;
      }
      default:
        yield Uint8Array.from({ length: at(2048) }, () => at(256));
    }
  }
}
