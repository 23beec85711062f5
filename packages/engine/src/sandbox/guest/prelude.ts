// The first module evaluated inside the contract sandbox (QuickJS), before the protobuf runtime,
// the annotations and any contract. It takes away what would make parties disagree (the clock,
// randomness, garbage-collection observers) and adds the UTF-8 codec protobuf-es needs, which
// QuickJS lacks. Nothing here reaches the host: the sandbox has no host functions at all.

type Globals = Record<string, unknown>;

const globals = globalThis as unknown as Globals;

function refuse(what: string, instead: string): () => never {
  return () => {
    throw new Error(`${what} is not available in a contract: every party must compute the same result; ${instead}`);
  };
}

// The clock: Date keeps working on explicit values; reading "now" throws.
const HostlessDate = Date;
const now = refuse("Date.now()", "use this.currentTime, the envelope's start time");
function SandboxDate(this: unknown, ...args: unknown[]): Date {
  if (new.target === undefined || args.length === 0) now();
  return Reflect.construct(HostlessDate, args, new.target) as Date;
}
Object.defineProperties(SandboxDate, {
  prototype: { value: HostlessDate.prototype },
  now: { value: now },
  parse: { value: HostlessDate.parse },
  UTC: { value: HostlessDate.UTC },
});
Object.defineProperty(HostlessDate.prototype, "constructor", { value: SandboxDate });
globals.Date = SandboxDate;

// Randomness.
Math.random = refuse("Math.random()", "pass random values in as inputs");
globals.crypto = Object.freeze({
  getRandomValues: refuse("crypto.getRandomValues()", "pass random values in as inputs"),
  randomUUID: refuse("crypto.randomUUID()", "pass identifiers in as inputs"),
});

// Observers of garbage collection differ between runs.
delete globals.WeakRef;
delete globals.FinalizationRegistry;

// QuickJS builds a repeated string one copy at a time in native code, which the fuel meter never
// sees: "x".repeat(1 << 26) burns seconds unmetered. Doubling in JavaScript is metered and faster.
Object.defineProperty(String.prototype, "repeat", {
  configurable: true,
  writable: true,
  value: function repeat(this: unknown, count?: unknown): string {
    if (this === null || this === undefined) throw new TypeError("String.prototype.repeat called on null or undefined");
    const text = String(this);
    let n = Math.trunc(Number(count)) || 0;
    if (n < 0 || n === Number.POSITIVE_INFINITY) throw new RangeError(`invalid repeat count: ${String(count)}`);
    let result = "";
    let piece = text;
    while (n > 0 && text.length > 0) {
      if (n % 2 === 1) result += piece;
      n = Math.floor(n / 2);
      if (n > 0) piece += piece;
    }
    return result;
  },
});

// Contract logs go nowhere, as upstream suppresses them.
const quiet = () => undefined;
globals.console = Object.freeze({ log: quiet, info: quiet, warn: quiet, error: quiet, debug: quiet, trace: quiet });

/** UTF-8 encoding, lone surrogates replaced with U+FFFD as the WHATWG encoder does. */
class Utf8Encoder {
  get encoding(): string {
    return "utf-8";
  }

  encode(input = ""): Uint8Array {
    const text = String(input);
    const out = new Uint8Array(text.length * 3);
    let n = 0;
    for (let i = 0; i < text.length; i++) {
      let c = text.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdfff) {
        const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
          i++;
        } else {
          c = 0xfffd;
        }
      }
      if (c < 0x80) {
        out[n++] = c;
      } else if (c < 0x800) {
        out[n++] = 0xc0 | (c >> 6);
        out[n++] = 0x80 | (c & 0x3f);
      } else if (c < 0x10000) {
        out[n++] = 0xe0 | (c >> 12);
        out[n++] = 0x80 | ((c >> 6) & 0x3f);
        out[n++] = 0x80 | (c & 0x3f);
      } else {
        out[n++] = 0xf0 | (c >> 18);
        out[n++] = 0x80 | ((c >> 12) & 0x3f);
        out[n++] = 0x80 | ((c >> 6) & 0x3f);
        out[n++] = 0x80 | (c & 0x3f);
      }
    }
    return out.slice(0, n);
  }
}

/** UTF-8 decoding; malformed sequences become U+FFFD, or throw when `fatal`. */
class Utf8Decoder {
  readonly fatal: boolean;

  constructor(_label = "utf-8", options: { fatal?: boolean } = {}) {
    this.fatal = options.fatal === true;
  }

  get encoding(): string {
    return "utf-8";
  }

  decode(input?: ArrayBuffer | ArrayBufferView): string {
    if (input === undefined) return "";
    const bytes = ArrayBuffer.isView(input)
      ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength)
      : new Uint8Array(input);
    const units: number[] = [];
    let text = "";
    for (let i = 0; i < bytes.length; ) {
      const b = bytes[i++]!;
      let cp = -1;
      if (b < 0x80) {
        cp = b;
      } else if (b >= 0xc2 && b <= 0xdf) {
        if (i < bytes.length && (bytes[i]! & 0xc0) === 0x80) cp = ((b & 0x1f) << 6) | (bytes[i++]! & 0x3f);
      } else if (b >= 0xe0 && b <= 0xef) {
        if (i + 1 < bytes.length && (bytes[i]! & 0xc0) === 0x80 && (bytes[i + 1]! & 0xc0) === 0x80) {
          const v = ((b & 0x0f) << 12) | ((bytes[i]! & 0x3f) << 6) | (bytes[i + 1]! & 0x3f);
          if (v >= 0x800 && (v < 0xd800 || v > 0xdfff)) {
            cp = v;
            i += 2;
          }
        }
      } else if (b >= 0xf0 && b <= 0xf4) {
        if (
          i + 2 < bytes.length &&
          (bytes[i]! & 0xc0) === 0x80 &&
          (bytes[i + 1]! & 0xc0) === 0x80 &&
          (bytes[i + 2]! & 0xc0) === 0x80
        ) {
          const v =
            ((b & 0x07) << 18) | ((bytes[i]! & 0x3f) << 12) | ((bytes[i + 1]! & 0x3f) << 6) | (bytes[i + 2]! & 0x3f);
          if (v >= 0x10000 && v <= 0x10ffff) {
            cp = v;
            i += 3;
          }
        }
      }
      if (cp < 0) {
        if (this.fatal) throw new TypeError("The encoded data was not valid UTF-8");
        cp = 0xfffd;
      }
      if (cp >= 0x10000) {
        cp -= 0x10000;
        units.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
      } else {
        units.push(cp);
      }
      if (units.length >= 8192) {
        text += String.fromCharCode(...units);
        units.length = 0;
      }
    }
    return text + String.fromCharCode(...units);
  }
}

globals.TextEncoder = Utf8Encoder;
globals.TextDecoder = Utf8Decoder;
