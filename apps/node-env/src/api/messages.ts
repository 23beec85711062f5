// How the API's messages map to the engine's and back: envelope states, execute requests (inputs,
// participants), addresses, peers, and errors as Connect codes.
import { type DescMessage, fromJson, type JsonValue, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { PartyType } from "@p8e/contract-annotations";
import {
  type EnvelopeSide,
  type EnvelopeState,
  type EnvelopeStatus,
  envelopeStatuses,
  isEngineError,
} from "@p8e/engine";
import { type ContractSpec, DefinitionSpec_Type, EnvelopeSchema, MetadataAddress } from "@p8e/spec-model";
import type { EnvelopeStateSchema as ApiEnvelopeStateSchema, Participant, PeerSchema } from "@p8e/spec-model/api";
import type { NodeEnv } from "../node-env.js";
import type { PeerStatus } from "../peers/peer-discovery.js";

/** An envelope's state as the API answers it; `envelopes` adds the envelopes' bytes. */
export function envelopeState(
  state: EnvelopeState,
  options: { readonly envelopes?: boolean } = {},
): MessageInitShape<typeof ApiEnvelopeStateSchema> {
  const timesMs: Record<string, bigint> = {};
  for (const [status, at] of Object.entries(state.times)) if (at !== undefined) timesMs[status] = BigInt(at.getTime());
  return {
    executionUuid: state.executionUuid,
    scope: state.scope,
    scopeUuid: state.scopeUuid,
    session: MetadataAddress.forSession(state.scopeUuid, state.sessionUuid).toString(),
    sessionUuid: state.sessionUuid,
    side: state.side,
    status: state.status,
    contract: state.contract,
    errorType: state.error?.type ?? "",
    errorMessage: state.error?.message ?? "",
    timesMs,
    txHashes: [...state.txHashes],
    expiresAtMs: BigInt(state.expiresAt?.getTime() ?? 0),
    ...(options.envelopes === true
      ? {
          inputEnvelope: toBinary(EnvelopeSchema, state.input),
          ...(state.result === undefined ? {} : { resultEnvelope: toBinary(EnvelopeSchema, state.result) }),
        }
      : {}),
  };
}

export function firstTime(state: EnvelopeState): number {
  return Math.min(...Object.values(state.times).map((at) => at?.getTime() ?? Number.POSITIVE_INFINITY));
}

export function envelopeStatus(status: string): EnvelopeStatus {
  const wanted = status.toUpperCase();
  const found = envelopeStatuses.find((s) => s === wanted);
  if (found === undefined) {
    throw new ConnectError(`unknown status "${status}"; one of ${envelopeStatuses.join(", ")}`, Code.InvalidArgument);
  }
  return found;
}

export function envelopeSide(side: string): EnvelopeSide {
  if (side === "invoker" || side === "counterparty") return side;
  throw new ConnectError(`unknown side "${side}"; "invoker" or "counterparty"`, Code.InvalidArgument);
}

export function proposedInputType(spec: ContractSpec, name: string): string | undefined {
  for (const fn of spec.functionSpecs) {
    for (const input of fn.inputSpecs) {
      if (input.name === name && input.type === DefinitionSpec_Type.PROPOSED) return input.resourceLocation?.classname;
    }
  }
  return undefined;
}

export function parseJson(desc: DescMessage, text: string, name: string) {
  try {
    return fromJson(desc, JSON.parse(text) as JsonValue);
  } catch (cause) {
    throw new ConnectError(
      `input "${name}" is not ${desc.typeName} as protobuf JSON: ${(cause as Error).message}`,
      Code.InvalidArgument,
    );
  }
}

/**
 * The session's participants: each one the request names, by keys or by the address of a known party
 * (this one or a peer found), and this party in every other role of the contract.
 */
export function sessionParticipants(
  env: NodeEnv,
  roles: readonly PartyType[],
  given: readonly Participant[],
): { role: PartyType; signing: Uint8Array; encryption: Uint8Array }[] {
  const named = given.map((p) => {
    const role = partyType(p.role);
    if (p.address === "") return { role, signing: p.signingPublicKey, encryption: p.encryptionPublicKey };
    if (p.signingPublicKey.length > 0 || p.encryptionPublicKey.length > 0) {
      throw new ConnectError(`participant ${p.role}: give its address or its keys, not both`, Code.InvalidArgument);
    }
    const keys = env.engine.partyKeys(p.address);
    if (keys === undefined) {
      throw new ConnectError(
        `participant ${p.role}: ${p.address} is neither this party nor a peer found so far; GetInfo's peers (p8e env status) lists the parties found`,
        Code.FailedPrecondition,
      );
    }
    return { role, signing: keys.signing, encryption: keys.encryption };
  });
  const namedRoles = new Set(named.map((p) => p.role));
  const self = roles
    .filter((role) => !namedRoles.has(role))
    .map((role) => ({ role, signing: env.keys.signing.publicKey, encryption: env.eos.publicKey }));
  return [...named, ...self];
}

function partyType(role: string): PartyType {
  const value = PartyType[role.toUpperCase() as keyof typeof PartyType];
  if (typeof value !== "number") throw new ConnectError(`unknown role "${role}"`, Code.InvalidArgument);
  return value;
}

export function scopeAddress(scope: string): string {
  try {
    const address = /^[0-9a-f-]{36}$/i.test(scope)
      ? MetadataAddress.forScope(scope)
      : MetadataAddress.fromBech32(scope);
    if (address.kind !== "scope") throw new Error(`${scope} is a ${address.kind} address`);
    return address.toString();
  } catch (cause) {
    throw new ConnectError(
      `"${scope}" is not a scope address or UUID: ${(cause as Error).message}`,
      Code.InvalidArgument,
    );
  }
}

export function peerMessage(peer: PeerStatus): MessageInitShape<typeof PeerSchema> {
  return {
    eosUrl: peer.eosUrl,
    state: peer.state,
    lastError: peer.lastError ?? "",
    parties: peer.parties.map((party) => ({
      address: party.address,
      signingPublicKey: party.signing,
      encryptionPublicKey: party.encryption,
    })),
  };
}

export function toConnectError(error: unknown): ConnectError {
  if (error instanceof ConnectError) return error;
  if (isEngineError(error)) {
    const code =
      error.code === "not-found"
        ? Code.NotFound
        : error.code === "invalid-argument" || error.code === "invalid-session"
          ? Code.InvalidArgument
          : error.code === "hash-mismatch" || error.code === "spec-mismatch"
            ? Code.FailedPrecondition
            : Code.Internal;
    return new ConnectError(error.message, code, undefined, undefined, error);
  }
  return ConnectError.from(error, Code.Internal);
}
