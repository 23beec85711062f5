/**
 * The modules a contract bundle imports from its host instead of carrying them: the protobuf
 * runtime (and its subpaths) and this package's root. Like upstream's parent-first classes
 * (P8eContract, the annotations, protobuf), they are shared by the engine and every contract, so
 * `instanceof P8eContract` and message schemas work across the sandbox boundary.
 */
export const hostModules: readonly string[] = Object.freeze([
  "@bufbuild/protobuf",
  "@bufbuild/protobuf/codegenv1",
  "@bufbuild/protobuf/codegenv2",
  "@bufbuild/protobuf/reflect",
  "@bufbuild/protobuf/txtpb",
  "@bufbuild/protobuf/wire",
  "@bufbuild/protobuf/wkt",
  "@p8e/contract-annotations",
]);

/** True when a contract bundle imports `specifier` from the host (see `hostModules`). */
export function isHostModule(specifier: string): boolean {
  return hostModules.includes(specifier);
}
