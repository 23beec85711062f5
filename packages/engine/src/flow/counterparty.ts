// A counterparty's side of a multi-party execution: it checks a request, asks the application's
// policy, re-executes, grants the invoker the chain writes it needs, and answers with its signature.
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { ReceivedMail } from "@p8e/eos-client";
import { type AuthzGrantView, authzGrantMsgs, authzMsgTypeUrls } from "@p8e/memorializer";
import { type Envelope, EnvelopeError_Type, MetadataAddress } from "@p8e/spec-model";
import { isEngineError } from "../errors.js";
import type { ExecutionResult } from "../execution/execution-result.js";
import { sameKey } from "../parties.js";
import type { EnvelopeRecord } from "./envelope-store.js";
import { errorTypes, type FlowContext } from "./flow-context.js";

/**
 * Asks for a step to run again later because an object it needs is not in this party's store yet;
 * false once the wait is over (the step then refuses the request).
 */
export type RetryWhenStored = (record: EnvelopeRecord, step: "decide" | "approve") => boolean;

/** A counterparty's steps, over the flow's shared context. */
export function createCounterparty(ctx: FlowContext, retryWhenStored: RetryWhenStored) {
  const {
    engine,
    eos,
    memorializer,
    store,
    now,
    policy,
    grantLifetimeMs,
    queue,
    decode,
    encode,
    save,
    fail,
    mailError,
    scopeOwners,
  } = ctx;

  async function onRequest(mail: ReceivedMail): Promise<void> {
    let input: Envelope;
    try {
      input = decode(mail.plaintext);
    } catch {
      await mail.reject("FRAGMENT_REQUEST is not an Envelope");
      return;
    }
    const contract = input.contract;
    const executionUuid = input.executionUuid?.value ?? "";
    const invokerKey = contract?.invoker?.encryptionPublicKey?.publicKeyBytes;
    if (
      contract === undefined ||
      executionUuid === "" ||
      !input.ref?.sessionUuid?.value ||
      !input.ref.scopeUuid?.value
    ) {
      await mail.reject("FRAGMENT_REQUEST lacks its contract, execution UUID or session");
      return;
    }
    if (!sameKey(mail.sender, invokerKey)) {
      await mail.reject("FRAGMENT_REQUEST was not sent by the contract's invoker");
      return;
    }
    const recital = contract.recitals.some((r) =>
      sameKey(r.signer?.signingPublicKey?.publicKeyBytes, engine.keys.signing),
    );
    if (!recital && !(await ownsScope(input))) {
      await mail.reject("FRAGMENT_REQUEST names this party in no recital, and it owns no such scope");
      return;
    }
    await queue.run(executionUuid, async () => {
      const existing = await store.get(executionUuid);
      if (existing !== undefined) {
        // A repeated request (the invoker restarted, or mail came twice): answer as before.
        if (existing.side === "counterparty" && (existing.status === "OUTBOX" || existing.status === "COMPLETE")) {
          await eos.sendMail(existing.result!, { type: "FRAGMENT_RESPONSE", to: [existing.invokerKey] });
        } else if (existing.side === "counterparty" && existing.status === "ERROR" && existing.error !== undefined) {
          const type =
            EnvelopeError_Type[existing.error.type as keyof typeof EnvelopeError_Type] ?? errorTypes.contract;
          await mailError(existing, type, existing.error.message, [existing.invokerKey]);
        }
        await mail.ack();
        return;
      }
      let record: EnvelopeRecord = {
        executionUuid,
        side: "counterparty",
        status: "INBOX",
        scopeUuid: input.ref!.scopeUuid!.value,
        sessionUuid: input.ref!.sessionUuid!.value,
        contract: contract.definition?.resourceLocation?.classname ?? contract.definition?.name ?? "",
        input: mail.plaintext,
        result: undefined,
        invokerKey: invokerKey!,
        expiresAt: input.expirationTime === undefined ? undefined : timestampDate(input.expirationTime),
        error: undefined,
        times: {},
        txHashes: [],
      };
      record = await save(record, { status: "INBOX" });
      // The request is kept: it is acknowledged while it is decided.
      const acked = mail.ack();
      acked.catch(() => undefined);
      await decide(record);
      await acked;
    });
  }

  /**
   * Whether this party owns the scope a request was packaged on: the request's snapshot names it
   * an owner, and so does the chain (the snapshot is the invoker's word).
   */
  async function ownsScope(input: Envelope): Promise<boolean> {
    if (!scopeOwners(input).some((owner) => owner.address === engine.address)) return false;
    const onChain = await memorializer.query.scope(MetadataAddress.forScope(input.ref!.scopeUuid!.value));
    return (onChain?.scope?.owners ?? []).some((owner) => owner.address === engine.address);
  }

  async function decide(record: EnvelopeRecord): Promise<void> {
    if (record.expiresAt !== undefined && record.expiresAt.getTime() <= now().getTime()) {
      await fail(record, errorTypes.ttl, `the execution expired at ${record.expiresAt.toISOString()}`, [
        record.invokerKey,
      ]);
      return;
    }
    const input = decode(record.input);
    // Before the application is asked: the request must be executable here (spec and bundle load
    // by hash, the bundle dehydrates to the spec, the contract fits it).
    try {
      await engine.check(input);
    } catch (error) {
      if (isMissingObject(error) && retryWhenStored(record, "decide")) return;
      const message = error instanceof Error ? error.message : String(error);
      await fail(record, errorTypes.contract, `the request cannot be executed: ${message}`, [record.invokerKey]);
      return;
    }
    const decision = await policy({
      executionUuid: record.executionUuid,
      contract: record.contract,
      scope: MetadataAddress.forScope(record.scopeUuid).toString(),
      invoker: engine.addressOf(input.contract?.invoker?.signingPublicKey?.publicKeyBytes ?? new Uint8Array()),
      envelope: input,
    });
    if (decision === "approve") await runApproval(record);
    else if (decision !== "hold") await fail(record, errorTypes.rejected, decision.reject, [record.invokerKey]);
  }

  async function runApproval(record: EnvelopeRecord): Promise<EnvelopeRecord> {
    let current = record;
    // The grants on chain are asked for while the request executes; the question needs only the invoker.
    const onChain = current.txHashes.length === 0 ? grantsTo(decode(current.input)) : undefined;
    onChain?.catch(() => undefined);
    if (current.status === "INBOX") {
      let result: ExecutionResult;
      try {
        // The invoker stored the outputs, under the same hashes, for every party already.
        result = await engine.execute(decode(current.input), { storeOutputs: false });
      } catch (error) {
        if (isMissingObject(error) && retryWhenStored(current, "approve")) return current;
        const message = error instanceof Error ? error.message : String(error);
        return fail(current, errorTypes.contract, `the request cannot be executed: ${message}`, [current.invokerKey]);
      }
      if (result.status === "failed") {
        return fail(current, errorTypes.contract, `${result.failure.function} failed: ${result.failure.reason}`, [
          current.invokerKey,
        ]);
      }
      current = await save(current, { status: "EXECUTED", result: encode(result.envelope) });
    }
    if (current.status === "EXECUTED") {
      const envelope = decode(current.result!);
      if (current.txHashes.length === 0 && !grantsCover(envelope, await (onChain ?? grantsTo(envelope)))) {
        const grants = authzGrantMsgs(envelope, {
          granter: memorializer.address,
          expiration: new Date(now().getTime() + grantLifetimeMs),
        });
        const included = await memorializer.submit(grants);
        current = await save(current, { txHashes: [included.hash] });
      }
      await eos.sendMail(current.result!, { type: "FRAGMENT_RESPONSE", to: [current.invokerKey] });
      current = await save(current, { status: "OUTBOX" });
    }
    return current;
  }

  /**
   * Whether this party's grants to the invoker (`grants`, read from the chain) cover every Msg the
   * envelope needs with at least a quarter of their lifetime left. A GenericAuthorization is per
   * Msg type, not per envelope, so one broadcast serves the executions that follow it.
   */
  function grantsCover(envelope: Envelope, grants: readonly AuthzGrantView[]): boolean {
    const until = now().getTime() + grantLifetimeMs / 4;
    return authzMsgTypeUrls(envelope).every((msg) =>
      grants.some((g) => g.msg === msg && (g.expiration === undefined || g.expiration.getTime() > until)),
    );
  }

  /** This party's grants on chain to the envelope's invoker; none when it names no invoker. */
  async function grantsTo(envelope: Envelope): Promise<readonly AuthzGrantView[]> {
    const invoker = envelope.contract?.invoker?.signingPublicKey?.publicKeyBytes;
    if (invoker === undefined) return [];
    return memorializer.query.authzGrants(memorializer.address, engine.addressOf(invoker));
  }

  return { onRequest, decide, runApproval };
}

/** An object the request names is not in this party's store: not replicated yet, or never readable here. */
function isMissingObject(error: unknown): boolean {
  return isEngineError(error) && error.code === "not-found";
}
