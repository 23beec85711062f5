// The metadata store: scopes, sessions, records and specifications under their address bytes, the
// indexes the chain keeps, value ownership through the `nft/<scope>` bank coin, and the typed
// events each change emits.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { MetadataAddress } from "@p8e/spec-model";
import {
  type ContractSpecification,
  ContractSpecificationSchema,
  type Record,
  RecordSchema,
  type RecordSpecification,
  RecordSpecificationSchema,
  type Scope,
  ScopeSchema,
  type ScopeSpecification,
  ScopeSpecificationSchema,
  type Session,
  SessionSchema,
} from "@p8e/spec-model/metadata";
import { sdkError } from "../../abci-error.js";
import { concat, decodeAccountAddress, encodeAccountAddress, equalBytes } from "../../codec.js";
import { type Context, typedEvent } from "../../context.js";
import { isModuleAccount, METADATA_MODULE_ID } from "../auth.js";
import { burnCoins, denomOwners, mintCoins, sendCoins } from "../bank.js";
import {
  addressScopePrefix,
  contractSpecScopeSpecPrefix,
  METADATA_PREFIX,
  metadataKey,
  scopeSpecScopePrefix,
} from "../keys.js";
import {
  addressString,
  CONTRACT_SPEC,
  contractSpecOf,
  RECORD,
  RECORD_SPEC,
  recordIdOf,
  SCOPE,
  SCOPE_SPEC,
  SESSION,
  scopeOf,
} from "./addresses.js";

const EVENT = (name: string) => `provenance.metadata.v1.${name}`;

function read<T>(ctx: Context, id: Uint8Array, decode: (bytes: Uint8Array) => T): T | undefined {
  const bytes = ctx.store.get(metadataKey(id));
  return bytes === undefined ? undefined : decode(bytes);
}

function list<T>(ctx: Context, prefix: Uint8Array, decode: (bytes: Uint8Array) => T): T[] {
  return ctx.store.iterate(concat(METADATA_PREFIX, prefix)).map(([, value]) => decode(value));
}

// --- value ownership ---------------------------------------------------------------------

/** The bank denom whose holder is a scope's value owner. */
export function valueOwnerDenom(scopeId: Uint8Array): string {
  return `nft/${addressString(scopeId)}`;
}

/** The bech32 address holding a scope's value-owner coin, if any. */
export function getValueOwner(ctx: Context, scopeId: Uint8Array): string | undefined {
  const owner = denomOwners(ctx, valueOwnerDenom(scopeId))[0];
  return owner === undefined ? undefined : encodeAccountAddress(ctx.chain.prefix, owner);
}

/** The scope a value-owner denom (`nft/scope1…`) belongs to. */
export function scopeIdOfValueOwnerDenom(denom: string): Uint8Array {
  return MetadataAddress.fromBech32(denom.slice("nft/".length)).bytes;
}

// keeper/scope.go SetScopeValueOwner: a blocked (module) address cannot become a value owner.
function setValueOwner(ctx: Context, scopeId: Uint8Array, proposed: string): void {
  const denom = valueOwnerDenom(scopeId);
  const coin = [{ denom, amount: 1n }];
  const to = decodeAccountAddress(ctx.chain.prefix, proposed);
  if (isModuleAccount(to)) {
    throw sdkError("unauthorized", `new value owner ${JSON.stringify(proposed)} is not allowed to receive funds`).wrap(
      "could not set value owner",
    );
  }
  const current = denomOwners(ctx, denom)[0];
  if (current === undefined) {
    mintCoins(ctx, METADATA_MODULE_ID, coin);
    sendCoins(ctx, METADATA_MODULE_ID, to, coin);
  } else if (!equalBytes(current, to)) {
    sendCoins(ctx, current, to, coin);
  }
}

// --- scopes --------------------------------------------------------------------------------

export function getScope(ctx: Context, scopeId: Uint8Array): Scope | undefined {
  if (!(scopeId.length === 17 && scopeId[0] === SCOPE)) return undefined;
  return read(ctx, scopeId, (b) => fromBinary(ScopeSchema, b));
}

/** A stored scope with its value owner filled in from the bank, as queries return it. */
export function withValueOwner(ctx: Context, scope: Scope): Scope {
  return create(ScopeSchema, { ...scope, valueOwnerAddress: getValueOwner(ctx, scope.scopeId) ?? "" });
}

function scopeIndexKeys(ctx: Context, scope: Scope | undefined): Map<string, Uint8Array> {
  const keys = new Map<string, Uint8Array>();
  if (scope === undefined) return keys;
  const add = (key: Uint8Array) => keys.set(Buffer.from(key).toString("hex"), key);
  for (const address of new Set([...scope.owners.map((o) => o.address), ...scope.dataAccess])) {
    try {
      add(concat(addressScopePrefix(decodeAccountAddress(ctx.chain.prefix, address)), scope.scopeId));
    } catch {
      // Unparseable addresses are not indexed.
    }
  }
  if (scope.specificationId.length > 0) add(concat(scopeSpecScopePrefix(scope.specificationId), scope.scopeId));
  return keys;
}

function reindex(ctx: Context, before: Map<string, Uint8Array>, after: Map<string, Uint8Array>): void {
  for (const [hex, key] of before) if (!after.has(hex)) ctx.store.delete(key);
  for (const [hex, key] of after) if (!before.has(hex)) ctx.store.set(key, Uint8Array.of(1));
}

/** Writes a scope (its value owner through the bank), keeps the indexes, emits Created/Updated. */
export function setScope(ctx: Context, scope: Scope): void {
  const existing = getScope(ctx, scope.scopeId);
  if (scope.valueOwnerAddress.length > 0) setValueOwner(ctx, scope.scopeId, scope.valueOwnerAddress);
  const stored = create(ScopeSchema, { ...scope, valueOwnerAddress: "" });
  ctx.store.set(metadataKey(scope.scopeId), toBinary(ScopeSchema, stored));
  reindex(ctx, scopeIndexKeys(ctx, existing), scopeIndexKeys(ctx, stored));
  ctx.events.push(
    typedEvent(EVENT(existing === undefined ? "EventScopeCreated" : "EventScopeUpdated"), {
      scope_addr: addressString(scope.scopeId),
    }),
  );
}

/** Deletes a scope with all its records (and so its sessions), burning its value-owner coin. */
export function removeScope(ctx: Context, scopeId: Uint8Array): void {
  const scope = getScope(ctx, scopeId);
  if (scope === undefined) return;
  const denom = valueOwnerDenom(scopeId);
  const owner = denomOwners(ctx, denom)[0];
  if (owner !== undefined) {
    sendCoins(ctx, owner, METADATA_MODULE_ID, [{ denom, amount: 1n }]);
    burnCoins(ctx, METADATA_MODULE_ID, [{ denom, amount: 1n }]);
  }
  for (const record of listRecords(ctx, scopeId)) removeRecord(ctx, recordIdOf(scopeId, record.name));
  reindex(ctx, scopeIndexKeys(ctx, scope), new Map());
  ctx.store.delete(metadataKey(scopeId));
  ctx.events.push(typedEvent(EVENT("EventScopeDeleted"), { scope_addr: addressString(scopeId) }));
}

/** Every scope, in address order. */
export function listScopes(ctx: Context): Scope[] {
  return list(ctx, Uint8Array.of(SCOPE), (b) => fromBinary(ScopeSchema, b));
}

/** Scope ids indexed under an owner or data-access account. */
export function scopeIdsOfAddress(ctx: Context, account: Uint8Array): Uint8Array[] {
  const prefix = addressScopePrefix(account);
  return ctx.store.iterate(prefix).map(([key]) => key.slice(prefix.length));
}

/** True when some scope uses the scope specification. */
export function scopeSpecHasScopes(ctx: Context, scopeSpecId: Uint8Array): boolean {
  return ctx.store.iterate(scopeSpecScopePrefix(scopeSpecId)).length > 0;
}

// --- sessions ------------------------------------------------------------------------------

export function getSession(ctx: Context, sessionId: Uint8Array): Session | undefined {
  if (!(sessionId.length === 33 && sessionId[0] === SESSION)) return undefined;
  return read(ctx, sessionId, (b) => fromBinary(SessionSchema, b));
}

/** Writes a session; emits Created or Updated. */
export function setSession(ctx: Context, session: Session): void {
  const existed = ctx.store.get(metadataKey(session.sessionId)) !== undefined;
  ctx.store.set(metadataKey(session.sessionId), toBinary(SessionSchema, session));
  ctx.events.push(
    typedEvent(EVENT(existed ? "EventSessionUpdated" : "EventSessionCreated"), {
      scope_addr: addressString(scopeOf(session.sessionId)),
      session_addr: addressString(session.sessionId),
    }),
  );
}

/** Removes a session unless a record still points at it. */
export function removeSessionIfEmpty(ctx: Context, sessionId: Uint8Array): void {
  if (getSession(ctx, sessionId) === undefined) return;
  if (listRecords(ctx, scopeOf(sessionId)).some((r) => equalBytes(r.sessionId, sessionId))) return;
  ctx.store.delete(metadataKey(sessionId));
  ctx.events.push(
    typedEvent(EVENT("EventSessionDeleted"), {
      scope_addr: addressString(scopeOf(sessionId)),
      session_addr: addressString(sessionId),
    }),
  );
}

/** The sessions of a scope (or all), in address order. */
export function listSessions(ctx: Context, scopeId?: Uint8Array): Session[] {
  const prefix =
    scopeId === undefined ? Uint8Array.of(SESSION) : concat(Uint8Array.of(SESSION), scopeId.subarray(1, 17));
  return list(ctx, prefix, (b) => fromBinary(SessionSchema, b));
}

// --- records -------------------------------------------------------------------------------

export function getRecord(ctx: Context, recordId: Uint8Array): Record | undefined {
  if (!(recordId.length === 33 && recordId[0] === RECORD)) return undefined;
  return read(ctx, recordId, (b) => fromBinary(RecordSchema, b));
}

/** Writes a record under its address; emits Created or Updated. */
export function setRecord(ctx: Context, record: Record): void {
  const id = recordIdOf(record.sessionId, record.name);
  const existed = ctx.store.get(metadataKey(id)) !== undefined;
  ctx.store.set(metadataKey(id), toBinary(RecordSchema, record));
  ctx.events.push(
    typedEvent(EVENT(existed ? "EventRecordUpdated" : "EventRecordCreated"), {
      record_addr: addressString(id),
      scope_addr: addressString(scopeOf(id)),
      session_addr: addressString(record.sessionId),
    }),
  );
}

/** Deletes a record, then its session if that was the session's last record. */
export function removeRecord(ctx: Context, recordId: Uint8Array): void {
  const record = getRecord(ctx, recordId);
  if (record === undefined) return;
  ctx.store.delete(metadataKey(recordId));
  ctx.events.push(
    typedEvent(EVENT("EventRecordDeleted"), {
      record_addr: addressString(recordId),
      scope_addr: addressString(scopeOf(recordId)),
    }),
  );
  removeSessionIfEmpty(ctx, record.sessionId);
}

/** The records of a scope (or all), in address order. */
export function listRecords(ctx: Context, scopeId?: Uint8Array): Record[] {
  const prefix = scopeId === undefined ? Uint8Array.of(RECORD) : concat(Uint8Array.of(RECORD), scopeId.subarray(1, 17));
  return list(ctx, prefix, (b) => fromBinary(RecordSchema, b));
}

// --- specifications ------------------------------------------------------------------------

export function getScopeSpec(ctx: Context, id: Uint8Array): ScopeSpecification | undefined {
  if (!(id.length === 17 && id[0] === SCOPE_SPEC)) return undefined;
  return read(ctx, id, (b) => fromBinary(ScopeSpecificationSchema, b));
}

function contractSpecLinks(spec: ScopeSpecification | undefined): Map<string, Uint8Array> {
  const keys = new Map<string, Uint8Array>();
  for (const contractSpecId of spec?.contractSpecIds ?? []) {
    const key = concat(contractSpecScopeSpecPrefix(contractSpecId), spec!.specificationId);
    keys.set(Buffer.from(key).toString("hex"), key);
  }
  return keys;
}

/** Writes a scope specification, keeping the contract-spec index; emits Created or Updated. */
export function setScopeSpec(ctx: Context, spec: ScopeSpecification): void {
  const existing = getScopeSpec(ctx, spec.specificationId);
  ctx.store.set(metadataKey(spec.specificationId), toBinary(ScopeSpecificationSchema, spec));
  reindex(ctx, contractSpecLinks(existing), contractSpecLinks(spec));
  ctx.events.push(
    typedEvent(EVENT(existing === undefined ? "EventScopeSpecificationCreated" : "EventScopeSpecificationUpdated"), {
      scope_specification_addr: addressString(spec.specificationId),
    }),
  );
}

/** Deletes a scope specification and its index entries. */
export function removeScopeSpec(ctx: Context, id: Uint8Array): void {
  const existing = getScopeSpec(ctx, id);
  if (existing === undefined) return;
  reindex(ctx, contractSpecLinks(existing), new Map());
  ctx.store.delete(metadataKey(id));
  ctx.events.push(typedEvent(EVENT("EventScopeSpecificationDeleted"), { scope_specification_addr: addressString(id) }));
}

/** Every scope specification. */
export function listScopeSpecs(ctx: Context): ScopeSpecification[] {
  return list(ctx, Uint8Array.of(SCOPE_SPEC), (b) => fromBinary(ScopeSpecificationSchema, b));
}

/** The contract specification at an address, if any. */
export function getContractSpec(ctx: Context, id: Uint8Array): ContractSpecification | undefined {
  if (!(id.length === 17 && id[0] === CONTRACT_SPEC)) return undefined;
  return read(ctx, id, (b) => fromBinary(ContractSpecificationSchema, b));
}

/** Writes a contract specification; emits Created or Updated. */
export function setContractSpec(ctx: Context, spec: ContractSpecification): void {
  const existed = ctx.store.get(metadataKey(spec.specificationId)) !== undefined;
  ctx.store.set(metadataKey(spec.specificationId), toBinary(ContractSpecificationSchema, spec));
  ctx.events.push(
    typedEvent(EVENT(existed ? "EventContractSpecificationUpdated" : "EventContractSpecificationCreated"), {
      contract_specification_addr: addressString(spec.specificationId),
    }),
  );
}

/** Deletes a contract specification. */
export function removeContractSpec(ctx: Context, id: Uint8Array): void {
  ctx.store.delete(metadataKey(id));
  ctx.events.push(
    typedEvent(EVENT("EventContractSpecificationDeleted"), { contract_specification_addr: addressString(id) }),
  );
}

/** True when some scope specification lists the contract specification. */
export function contractSpecInScopeSpecs(ctx: Context, contractSpecId: Uint8Array): boolean {
  return ctx.store.iterate(contractSpecScopeSpecPrefix(contractSpecId)).length > 0;
}

/** Every contract specification. */
export function listContractSpecs(ctx: Context): ContractSpecification[] {
  return list(ctx, Uint8Array.of(CONTRACT_SPEC), (b) => fromBinary(ContractSpecificationSchema, b));
}

/** The record specification at an address, if any. */
export function getRecordSpec(ctx: Context, id: Uint8Array): RecordSpecification | undefined {
  if (!(id.length === 33 && id[0] === RECORD_SPEC)) return undefined;
  return read(ctx, id, (b) => fromBinary(RecordSpecificationSchema, b));
}

/** Writes a record specification; emits Created or Updated. */
export function setRecordSpec(ctx: Context, spec: RecordSpecification): void {
  const existed = ctx.store.get(metadataKey(spec.specificationId)) !== undefined;
  ctx.store.set(metadataKey(spec.specificationId), toBinary(RecordSpecificationSchema, spec));
  ctx.events.push(
    typedEvent(EVENT(existed ? "EventRecordSpecificationUpdated" : "EventRecordSpecificationCreated"), {
      contract_specification_addr: addressString(contractSpecOf(spec.specificationId)),
      record_specification_addr: addressString(spec.specificationId),
    }),
  );
}

/** Deletes a record specification. */
export function removeRecordSpec(ctx: Context, id: Uint8Array): void {
  if (ctx.store.get(metadataKey(id)) === undefined) return;
  ctx.store.delete(metadataKey(id));
  ctx.events.push(
    typedEvent(EVENT("EventRecordSpecificationDeleted"), {
      contract_specification_addr: addressString(contractSpecOf(id)),
      record_specification_addr: addressString(id),
    }),
  );
}

/** The record specifications of a contract specification. */
export function listRecordSpecs(ctx: Context, contractSpecId?: Uint8Array): RecordSpecification[] {
  const prefix =
    contractSpecId === undefined
      ? Uint8Array.of(RECORD_SPEC)
      : concat(Uint8Array.of(RECORD_SPEC), contractSpecId.subarray(1, 17));
  return list(ctx, prefix, (b) => fromBinary(RecordSpecificationSchema, b));
}
