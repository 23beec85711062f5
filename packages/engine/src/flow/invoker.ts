// The invoker's side of a multi-party execution: it mails the pre-execution envelope, executes it
// itself, merges the answers it can check, and writes the envelope to the chain once all have signed.
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { ReceivedMail } from "@p8e/eos-client";
import type { Envelope } from "@p8e/spec-model";
import type { ExecutionResult } from "../execution/execution-result.js";
import type { SessionOptions } from "../session/session-options.js";
import { checkAnswer } from "./answers.js";
import type { EnvelopeRecord } from "./envelope-store.js";
import { errorTypeName, errorTypes, type FlowContext } from "./flow-context.js";
import type { EnvelopeState } from "./party-api.js";

/** The invoker's steps, over the flow's shared context. */
export function createInvoker(ctx: FlowContext) {
  const { engine, eos, memorializer, store, now, queue, decode, encode, stateOf, save, fail, otherParties } = ctx;

  /**
   * Writes a signed envelope to the chain. `stored`: the engine already stored the signed envelope
   * (an execution it signed alone); otherwise it is stored meanwhile.
   */
  async function memorialize(record: EnvelopeRecord, stored = false): Promise<EnvelopeRecord> {
    const envelope = decode(record.result!);
    let current = record.status === "CHAINCODE" ? record : await save(record, { status: "CHAINCODE" });
    // The memorializer reads the chain first: a write that already landed is reported, not
    // repeated. The signed envelope is stored meanwhile; both must succeed before COMPLETE.
    const [{ outcomes }] = await Promise.all([
      memorializer.memorialize([envelope]),
      stored ? undefined : engine.storeEnvelope(envelope),
    ]);
    const outcome = outcomes[0]!;
    if (outcome.status === "failed") {
      return fail(
        current,
        errorTypes.chain,
        `the chain refused the envelope: ${outcome.error?.message}`,
        otherParties(envelope),
      );
    }
    current = await save(current, { status: "COMPLETE", txHashes: [...current.txHashes, ...outcome.txHashes] });
    return current;
  }

  /**
   * Takes the invoker's own execution. `requested` says whether the request is out already (it is
   * mailed before the invoker executes, since counterparties execute the pre-execution envelope).
   */
  async function afterExecution(
    record: EnvelopeRecord,
    result: ExecutionResult,
    requested: boolean,
  ): Promise<EnvelopeRecord> {
    const resultBytes = encode(result.envelope);
    if (result.status === "failed") {
      const message = `${result.failure.function} failed: ${result.failure.reason}`;
      const failed = { ...record, result: resultBytes };
      if (!requested)
        return save(failed, { status: "ERROR", error: { type: errorTypeName(errorTypes.contract), message } });
      return fail(failed, errorTypes.contract, message, otherParties(decode(record.input)));
    }
    if (result.status === "signed") {
      // A signed execution's envelope is stored by the engine already. It is written to the chain
      // at once: SIGNED and CHAINCODE are one write.
      return memorialize(await save(record, { result: resultBytes, status: "SIGNED" }, { andThen: "CHAINCODE" }), true);
    }
    const saved = await save(record, { result: resultBytes, status: "FRAGMENT" });
    if (!requested) await sendRequest(saved);
    return saved;
  }

  async function sendRequest(record: EnvelopeRecord): Promise<void> {
    const input = decode(record.input);
    await eos.sendMail(record.input, { type: "FRAGMENT_REQUEST", to: otherParties(input) });
  }

  async function onResponse(mail: ReceivedMail): Promise<void> {
    let answer: Envelope;
    try {
      answer = decode(mail.plaintext);
    } catch {
      await mail.reject("FRAGMENT_RESPONSE is not an Envelope");
      return;
    }
    const executionUuid = answer.executionUuid?.value ?? "";
    await queue.run(executionUuid, async () => {
      const record = executionUuid === "" ? undefined : await store.get(executionUuid);
      const refuse = async (reason: string, signer?: string) => {
        await store.addAnswer({ executionUuid, receivedAt: now(), signer, accepted: false, reason });
      };
      if (record === undefined || record.side !== "invoker") {
        await refuse("no execution of ours has this UUID");
      } else {
        const verdict = checkAnswer(
          record,
          answer,
          mail.sender,
          engine.address.slice(0, 2),
          (address) => engine.partyKeys(address)?.encryption,
        );
        if (!verdict.ok) {
          await refuse(verdict.reason, verdict.signer);
        } else if (record.status !== "FRAGMENT") {
          await refuse(`the envelope is ${record.status}; answers are no longer taken`, verdict.signer);
        } else if (verdict.added.length === 0) {
          await refuse("already merged: the answer adds no signature", verdict.signer);
        } else {
          // The answer and the merge are one write; with the last signature, so are SIGNED and
          // CHAINCODE (it is written to the chain at once).
          const answer = { executionUuid, receivedAt: now(), signer: verdict.signer, accepted: true, reason: "merged" };
          const result = encode(verdict.merged);
          if (verdict.missing.length > 0) await save(record, { result }, { answer });
          else await memorialize(await save(record, { result, status: "SIGNED" }, { answer, andThen: "CHAINCODE" }));
        }
      }
      await mail.ack();
    });
  }

  /** Packages and invokes a session: the request goes out first, then this party executes. */
  async function invoke(session: SessionOptions): Promise<EnvelopeState> {
    const envelope = await engine.package(session);
    const executionUuid = envelope.executionUuid!.value;
    return queue.run(executionUuid, async () => {
      let record: EnvelopeRecord = {
        executionUuid,
        side: "invoker",
        status: "CREATED",
        scopeUuid: envelope.ref!.scopeUuid!.value,
        sessionUuid: envelope.ref!.sessionUuid!.value,
        contract: envelope.contract?.definition?.resourceLocation?.classname ?? "",
        input: encode(envelope),
        result: undefined,
        invokerKey: engine.keys.encryption,
        expiresAt: envelope.expirationTime === undefined ? undefined : timestampDate(envelope.expirationTime),
        error: undefined,
        times: {},
        txHashes: [],
      };
      record = await save(record, { status: "CREATED" });
      // The request goes out first, then the invoker executes: counterparties execute the same
      // pre-execution envelope, and the invoker's own result is needed only when their answers
      // come back (they wait, per execution, until it is in), so it does not compete with the
      // request on the way out.
      const requested = otherParties(envelope).length > 0;
      if (requested) await sendRequest(record);
      const result = await engine.execute(envelope);
      return stateOf(await afterExecution(record, result, requested));
    });
  }

  return { memorialize, afterExecution, sendRequest, onResponse, invoke };
}
