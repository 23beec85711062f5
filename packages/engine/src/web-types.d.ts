// quickjs-emscripten's declarations name WebAssembly types that @types/node does not declare globally.
declare namespace WebAssembly {
  interface Memory {
    readonly buffer: ArrayBuffer;
    grow(delta: number): number;
  }
  const Memory: {
    prototype: Memory;
    new (descriptor: { initial: number; maximum?: number; shared?: boolean }): Memory;
  };
  type Exports = Record<string, unknown>;
  type Imports = Record<string, Record<string, unknown>>;
  interface Instance {
    readonly exports: Exports;
  }
}

// @connectrpc/connect's declarations (through @p8e/eos-client) name the DOM type HeadersInit.
type HeadersInit = ConstructorParameters<typeof Headers>[0];
