// p8e.api.v1.NodeService: the application API of one party's environment.
import { type FileRegistry, fromBinary, type MessageInitShape, toBinary, toJson } from "@bufbuild/protobuf";
import { Code, ConnectError, type HandlerContext } from "@connectrpc/connect";
import { PartyType } from "@p8e/contract-annotations";
import type { EnvelopeState, ProposedInput, SessionOptions } from "@p8e/engine";
import { base64ToBytes } from "@p8e/hashing-crypto";
import { type ContractSpec, ContractSpecSchema, MetadataAddress } from "@p8e/spec-model";
import {
  type ExecuteRequest,
  type ExecuteResponseSchema,
  type GetScopeResponseSchema,
  NodeService,
  type VerifyScopeResponseSchema,
} from "@p8e/spec-model/api";
import { isNodeEnvError } from "../errors.js";
import type { NodeEnv } from "../node-env.js";
import type { RouteRegistrar } from "../routes.js";
import { createApiAuth } from "./auth.js";
import { bundleTypes } from "./bundle-types.js";

import {
  envelopeSide,
  envelopeState,
  envelopeStatus,
  firstTime,
  parseJson,
  peerMessage,
  proposedInputType,
  scopeAddress,
  sessionParticipants,
  toConnectError,
} from "./messages.js";

/** The NodeService routes for `env`, open to holders of its own keys only. */
export function createApiRoutes(env: NodeEnv): RouteRegistrar {
  const auth = createApiAuth([env.keys.signing.publicKey, env.keys.encryption.publicKey]);
  const registries = new Map<string, Promise<FileRegistry>>();
  const typesOf = (bundleHash: string) => {
    let found = registries.get(bundleHash);
    if (found === undefined) {
      found = env.eos.get(base64ToBytes(bundleHash)).then(bundleTypes);
      found.catch(() => registries.delete(bundleHash));
      registries.set(bundleHash, found);
    }
    return found;
  };
  const guarded =
    <I, O>(handler: (request: I, context: HandlerContext) => Promise<O>) =>
    async (request: I, context: HandlerContext): Promise<O> => {
      auth.require(context);
      try {
        return await handler(request, context);
      } catch (error) {
        throw toConnectError(error);
      }
    };

  const loadSpec = async (request: ExecuteRequest): Promise<{ spec: ContractSpec; specHash: string }> => {
    if (request.contract.case === "name") {
      const wanted = request.contract.value;
      const found = [...env.contracts.values()].find((c) => c.name === wanted || c.className === wanted);
      if (found === undefined) {
        const names = [...env.contracts.values()].map((c) => c.name).join(", ") || "none";
        throw new ConnectError(
          `no contract named "${wanted}" here (published: ${names}); or give spec_hash`,
          Code.NotFound,
        );
      }
      return { spec: found.spec, specHash: found.specHash };
    }
    if (request.contract.case === "specHash") {
      const specHash = request.contract.value;
      const spec = await env.eos.getMessage(ContractSpecSchema, base64ToBytes(specHash)).catch((cause: unknown) => {
        throw new ConnectError(
          `no contract spec ${specHash} in the store: publish it first`,
          Code.NotFound,
          undefined,
          undefined,
          cause,
        );
      });
      return { spec, specHash };
    }
    throw new ConnectError("give the contract: name or spec_hash", Code.InvalidArgument);
  };

  const requiredEnvelope = async (executionUuid: string): Promise<EnvelopeState> => {
    if (executionUuid === "") throw new ConnectError("give the execution UUID", Code.InvalidArgument);
    const state = await env.party.get(executionUuid);
    if (state === undefined) {
      throw new ConnectError(
        `no envelope of execution ${executionUuid} here; list them with ListEnvelopes (p8e envelope ls)`,
        Code.NotFound,
      );
    }
    return state;
  };

  return (router) =>
    router.service(NodeService, {
      getInfo: async () => ({
        address: env.address,
        signingPublicKey: env.keys.signing.publicKey,
        encryptionPublicKey: env.keys.encryption.publicKey,
        chainId: env.chainId,
        rpcUrl: env.rpcUrl,
        eosUrl: env.eosUrl,
        ready: env.ready,
        eosNodePublicKey: env.eosNodeKey.publicKey,
        peers: env.peers().map(peerMessage),
        contracts: [...env.contracts.values()].map((c) => ({
          name: c.name,
          className: c.className,
          specHash: c.specHash,
          bundleHash: c.bundleHash,
        })),
      }),
      createChallenge: async () => {
        const { challenge, expiresAtMs } = auth.createChallenge();
        return { challenge, expiresAtMs: BigInt(expiresAtMs) };
      },
      authenticate: async (request) => {
        const { token, expiresAtMs } = auth.authenticate(request.challenge, request.publicKey, request.signature);
        return { token, expiresAtMs: BigInt(expiresAtMs) };
      },

      execute: guarded(async (request): Promise<MessageInitShape<typeof ExecuteResponseSchema>> => {
        const { spec, specHash } = await loadSpec(request);
        const bundleHash = spec.definition?.resourceLocation?.ref?.hash ?? "";
        const inputs: Record<string, ProposedInput> = {};
        for (const [name, given] of Object.entries(request.inputs)) {
          const typeName = given.typeName || proposedInputType(spec, name);
          if (typeName === undefined) {
            throw new ConnectError(
              `input "${name}" is not a proposed input of ${spec.definition?.name}`,
              Code.InvalidArgument,
            );
          }
          if (given.value.case === "binary") {
            inputs[name] = { typeName, bytes: given.value.value };
          } else if (given.value.case === "json") {
            const desc = (await typesOf(bundleHash)).getMessage(typeName);
            if (desc === undefined) {
              throw new ConnectError(`the contract's bundle has no message type ${typeName}`, Code.InvalidArgument);
            }
            inputs[name] = { typeName, bytes: toBinary(desc, parseJson(desc, given.value.value, name)) };
          } else {
            throw new ConnectError(`input "${name}" has neither json nor binary`, Code.InvalidArgument);
          }
        }
        const participants = sessionParticipants(env, spec.partiesInvolved, request.participants);
        const session: SessionOptions =
          request.scope !== ""
            ? { spec: specHash, scope: request.scope, participants, inputs }
            : {
                spec: specHash,
                scopeSpecUuid: request.scopeSpecUuid,
                ...(request.scopeUuid === "" ? {} : { scopeUuid: request.scopeUuid }),
                participants,
                inputs,
              };
        const { state, result, outcome } = await env.execute(session);
        return {
          envelopeStatus: state.status,
          status: result.status,
          executionUuid: result.envelope.executionUuid?.value ?? "",
          fuelUsed: BigInt(result.fuelUsed),
          outcomes: result.outcomes.map((o) => ({
            function: o.function,
            result: o.result,
            reason: o.reason ?? "",
            outputName: o.output?.name ?? "",
            outputHash: o.output?.hash ?? "",
            outputType: o.output?.typeName ?? "",
          })),
          chainStatus: outcome?.status ?? "",
          scope: outcome?.scope ?? state.scope,
          session: outcome?.session ?? "",
          txHashes: [...(outcome?.txHashes ?? [])],
          error:
            result.status === "failed"
              ? `${result.failure.function}: ${result.failure.reason}`
              : (outcome?.error?.message ?? ""),
          missing: result.status === "needs-signatures" ? [...result.missing] : [],
        };
      }),

      getScope: guarded(async (request): Promise<MessageInitShape<typeof GetScopeResponseSchema>> => {
        const address = scopeAddress(request.scope);
        const hydrated = await env.engine.hydrate(address);
        const bundles = await Promise.all(
          [...env.contracts.values()].map((c) => typesOf(c.bundleHash).catch(() => undefined)),
        );
        const scope = hydrated.scope.scope;
        return {
          scope: address,
          scopeUuid: MetadataAddress.from(address).primaryUuid,
          scopeSpec:
            scope.specificationId.length > 0 ? MetadataAddress.fromBytes(scope.specificationId).toString() : "",
          owners: scope.owners.map((o) => `${o.address} (${PartyType[o.role] ?? o.role})`),
          sessions: [...new Set(hydrated.records.map((r) => r.session))],
          records: hydrated.records.flatMap((record) =>
            record.bytes.map((bytes, index) => {
              const desc = bundles.map((b) => b?.getMessage(record.typeName)).find((d) => d !== undefined);
              return {
                name: record.name,
                typeName: record.typeName,
                hash: record.hashes[index] ?? "",
                session: record.session,
                json: desc === undefined ? "" : JSON.stringify(toJson(desc, fromBinary(desc, bytes))),
                binary: desc === undefined ? bytes : new Uint8Array(),
              };
            }),
          ),
        };
      }),

      getHistory: guarded(async (request) => {
        const versions = await env.engine.history(
          scopeAddress(request.scope),
          request.recordName === "" ? {} : { recordName: request.recordName },
        );
        return {
          versions: versions.map((v) => ({
            name: v.name,
            session: v.session,
            height: BigInt(v.height),
            txHash: v.txHash,
            function: v.function,
            typeName: v.typeName,
            hash: v.outputHashes.join(","),
          })),
        };
      }),

      listEnvelopes: guarded(async (request) => {
        const statuses = request.status.map((status) => envelopeStatus(status));
        const side = request.side === "" ? undefined : envelopeSide(request.side);
        const scopeUuid =
          request.scope === "" ? undefined : MetadataAddress.from(scopeAddress(request.scope)).primaryUuid;
        const states = await env.party.list({
          ...(statuses.length === 0 ? {} : { status: statuses }),
          ...(side === undefined ? {} : { side }),
          ...(scopeUuid === undefined ? {} : { scopeUuid }),
        });
        const created = (state: EnvelopeState) => firstTime(state);
        return { envelopes: states.sort((a, b) => created(b) - created(a)).map((state) => envelopeState(state)) };
      }),

      getEnvelope: guarded(async (request) => ({
        envelope: envelopeState(await requiredEnvelope(request.executionUuid), { envelopes: true }),
      })),

      approveEnvelope: guarded(async (request) => {
        const current = await requiredEnvelope(request.executionUuid);
        if (current.side !== "counterparty" || current.status !== "INBOX") {
          throw new ConnectError(
            `execution ${current.executionUuid} is ${current.side} ${current.status}: only a request awaiting approval (counterparty INBOX) can be approved`,
            Code.FailedPrecondition,
          );
        }
        return { envelope: envelopeState(await env.party.approve(current.executionUuid)) };
      }),

      rejectEnvelope: guarded(async (request) => {
        const current = await requiredEnvelope(request.executionUuid);
        if (request.message.trim() === "") {
          throw new ConnectError("give a message: the other parties receive it as the reason", Code.InvalidArgument);
        }
        if (current.status === "COMPLETE" || current.status === "ERROR") {
          throw new ConnectError(
            `execution ${current.executionUuid} is already ${current.status}`,
            Code.FailedPrecondition,
          );
        }
        return { envelope: envelopeState(await env.party.reject(current.executionUuid, request.message)) };
      }),

      cancelEnvelope: guarded(async (request) => {
        const current = await requiredEnvelope(request.executionUuid);
        if (current.side !== "invoker") {
          throw new ConnectError(
            `execution ${current.executionUuid} was invoked by another party: only the invoker can cancel; reject it instead`,
            Code.FailedPrecondition,
          );
        }
        if (!["CREATED", "FRAGMENT"].includes(current.status)) {
          throw new ConnectError(
            `execution ${current.executionUuid} is ${current.status}; only a CREATED or FRAGMENT execution can be cancelled`,
            Code.FailedPrecondition,
          );
        }
        const state = await env.party.cancel(
          current.executionUuid,
          ...(request.message === "" ? [] : [request.message]),
        );
        return { envelope: envelopeState(state) };
      }),

      addPeer: guarded(async (request) => {
        if (request.waitMs < 0 || request.waitMs > 60_000) {
          throw new ConnectError("wait_ms must be between 0 and 60000", Code.InvalidArgument);
        }
        try {
          return { peer: peerMessage(await env.addPeer(request.eosUrl.trim(), request.waitMs || 10_000)) };
        } catch (error) {
          if (isNodeEnvError(error)) throw new ConnectError(error.message, Code.InvalidArgument);
          throw error;
        }
      }),

      async *watchEnvelopes(request, context) {
        auth.require(context);
        const executionUuid = request.executionUuid === "" ? undefined : request.executionUuid;
        for await (const state of env.party.watch({
          ...(executionUuid === undefined ? {} : { executionUuid }),
          signal: context.signal,
        })) {
          yield { envelope: envelopeState(state) };
        }
      },

      verifyScope: guarded(async (request): Promise<MessageInitShape<typeof VerifyScopeResponseSchema>> => {
        const report = await env.engine.verify(scopeAddress(request.scope));
        return {
          scope: report.scope,
          verified: report.verified,
          sessions: report.sessions.map((s) => ({
            session: s.session,
            status: s.status,
            source: s.source,
            reason: s.reason ?? "",
            records: s.records.map((r) => ({
              name: r.name,
              status: r.status,
              chainHash: r.chainHash ?? "",
              computedHash: r.computedHash ?? "",
            })),
          })),
        };
      }),
    });
}
