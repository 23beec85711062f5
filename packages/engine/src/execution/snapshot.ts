import { anyUnpack } from "@bufbuild/protobuf/wkt";
import type { Envelope } from "@p8e/spec-model";
import {
  type Record as ChainRecord,
  type Scope,
  type ScopeResponse,
  ScopeResponseSchema,
} from "@p8e/spec-model/metadata";
import { EngineError } from "../errors.js";

/** The scope snapshot (a ScopeResponse in `envelope.scope`) the envelope was packaged against, if any. */
function snapshot(envelope: Envelope): ScopeResponse | undefined {
  if (envelope.scope === undefined || envelope.scope.value.length === 0) return undefined;
  try {
    return anyUnpack(envelope.scope, ScopeResponseSchema);
  } catch (cause) {
    throw new EngineError("invalid-envelope", "envelope.scope is not a provenance.metadata.v1.ScopeResponse", {
      cause,
    });
  }
}

/** The scope as it was when the envelope was packaged; undefined for a new scope. */
export function snapshotScope(envelope: Envelope): Scope | undefined {
  return snapshot(envelope)?.scope?.scope;
}

/** The scope's records as they were when the envelope was packaged. */
export function snapshotRecords(envelope: Envelope): ChainRecord[] {
  return (snapshot(envelope)?.records ?? []).flatMap((w) => (w.record === undefined ? [] : [w.record]));
}
