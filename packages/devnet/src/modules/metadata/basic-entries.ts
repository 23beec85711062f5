// ValidateBasic of the metadata entries (scope, session, record), with the chain's wording
// (types/scope.go, types/session.go, types/record.go).
import {
  type Process,
  type Record,
  type RecordInput,
  RecordInputStatus,
  type RecordOutput,
  ResultStatus,
  type Scope,
  type Session,
} from "@p8e/spec-model/metadata";
import { plainError } from "../../abci-error.js";
import { verifyAddressFormat } from "./addresses.js";
import {
  addressProblem,
  byteLength,
  expectPrefix,
  validateOptionalParties,
  validatePartiesBasic,
  verifyAddressHasType,
} from "./basic-common.js";

const MAX_AUDIT_MESSAGE = 200;

export function validateScopeOwnersBasic(prefix: string, scope: Scope): void {
  try {
    validatePartiesBasic(prefix, scope.owners);
  } catch (error) {
    throw plainError(`invalid scope owners: ${(error as Error).message}`);
  }
  validateOptionalParties(scope.requirePartyRollup, scope.owners);
}

/** Scope.ValidateBasic: a scope id, a scope specification id (required), owners, data access, value owner. */
export function validateScopeBasic(prefix: string, scope: Scope): void {
  verifyAddressHasType(scope.scopeId, "scope");
  verifyAddressHasType(scope.specificationId, "scopespec");
  validateScopeOwnersBasic(prefix, scope);
  for (const address of scope.dataAccess) {
    const problem = addressProblem(prefix, address);
    if (problem !== undefined) throw plainError(`invalid address in data access on scope: ${problem}`);
  }
  if (scope.valueOwnerAddress.length > 0) {
    const problem = addressProblem(prefix, scope.valueOwnerAddress);
    if (problem !== undefined) throw plainError(`invalid value owner address on scope: ${problem}`);
  }
}

/** Session.ValidateBasic. */
export function validateSessionBasic(prefix: string, session: Session): void {
  expectPrefix(session.sessionId, "session", (got) => `invalid session identifier (expected: session, got ${got})`);
  validatePartiesBasic(prefix, session.parties);
  expectPrefix(
    session.specificationId,
    "contractspec",
    (got) => `invalid contract specification identifier (expected: contractspec, got ${got})`,
  );
  if (session.audit !== undefined && byteLength(session.audit.message) > MAX_AUDIT_MESSAGE) {
    throw plainError(
      `session audit message exceeds maximum length (expected < ${MAX_AUDIT_MESSAGE} got: ${byteLength(session.audit.message)})`,
    );
  }
}

function validateRecordInputBasic(input: RecordInput): void {
  if (input.name.length < 1) throw plainError("missing required name");
  if (input.status === RecordInputStatus.UNSPECIFIED) {
    throw plainError("invalid record input status, status unknown or missing");
  }
  switch (input.source.case) {
    case undefined:
      throw plainError("missing required record input source");
    case "hash":
      if (input.status !== RecordInputStatus.PROPOSED)
        throw plainError("hash specifier only applies to proposed inputs");
      if (input.source.value.length < 1) throw plainError("missing required hash for proposed value");
      break;
    case "recordId": {
      if (input.status !== RecordInputStatus.RECORD) throw plainError("record id must be used with Record type inputs");
      let prefix: string;
      try {
        prefix = verifyAddressFormat(input.source.value);
      } catch (error) {
        throw plainError(`invalid record input recordid ${(error as Error).message}`);
      }
      if (prefix !== "record") throw plainError(`invalid record id address (found ${prefix}, expected record)`);
      break;
    }
  }
  if (input.typeName.length < 1) throw plainError("missing type name");
}

function validateRecordOutputBasic(output: RecordOutput): void {
  if (output.status === ResultStatus.SKIP) return;
  if (output.status === ResultStatus.UNSPECIFIED) throw plainError("invalid record output status, status unspecified");
  if (output.hash.length < 1) throw plainError("missing required hash");
}

function validateProcessBasic(process: Process | undefined): void {
  if (process === undefined || process.method.length < 1) throw plainError("missing required method");
  if (process.name.length < 1) throw plainError("missing required name");
  if (process.processId.case === undefined) throw plainError("missing required process id");
}

/** Record.ValidateBasic. */
export function validateRecordBasic(record: Record): void {
  expectPrefix(record.sessionId, "session", (got) => `invalid record identifier (expected: session, got ${got})`);
  if (record.specificationId.length > 0) {
    expectPrefix(
      record.specificationId,
      "recspec",
      (got) => `invalid record specification identifier (expected: recspec, got ${got})`,
    );
  }
  for (const input of record.inputs) {
    try {
      validateRecordInputBasic(input);
    } catch (error) {
      throw plainError(`invalid record input: ${(error as Error).message}`);
    }
  }
  for (const output of record.outputs) {
    try {
      validateRecordOutputBasic(output);
    } catch (error) {
      throw plainError(`invalid record output: ${(error as Error).message}`);
    }
  }
  if (record.name.length < 1) throw plainError("invalid/missing name for record");
  try {
    validateProcessBasic(record.process);
  } catch (error) {
    throw plainError(`invalid record process: ${(error as Error).message}`);
  }
}
