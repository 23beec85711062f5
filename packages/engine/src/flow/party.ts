// A party's side of multi-party execution (reference §4.4): the invoker mails the pre-execution
// envelope as FRAGMENT_REQUEST through the object store; each counterparty checks it, asks the
// application's policy, re-executes, signs, grants the invoker the chain writes it needs and
// answers FRAGMENT_RESPONSE; the invoker merges an answer only if its contract bytes equal its own
// and every signature in it verifies against an awaited party's key, then memorializes. Every
// step is written to the envelope store before the mail that caused it is acknowledged.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ReceivedMail } from "@p8e/eos-client";
import { type AuthzGrantView, authzGrantMsgs, authzMsgTypeUrls } from "@p8e/memorializer";
import {
  type Envelope,
  EnvelopeError_Type,
  EnvelopeErrorSchema,
  EnvelopeSchema,
  MetadataAddress,
} from "@p8e/spec-model";
import { EngineError } from "../errors.js";
import type { ExecutionResult } from "../execution/execution-result.js";
import { sameKey, uniqueKeys } from "../parties.js";
import { checkAnswer } from "./answers.js";
import type { AnswerRecord, EnvelopeRecord, EnvelopeStatus } from "./envelope-store.js";
import { terminalStatuses } from "./envelope-store.js";
import type { EnvelopeState, Party, PartyOptions } from "./party-api.js";
import { EventChannel, KeyedQueue } from "./state-events.js";

export type {
  ApprovalDecision,
  ApprovalPolicy,
  ApprovalRequest,
  EnvelopeState,
  Party,
  PartyOptions,
} from "./party-api.js";

/** How often a counterparty looks on chain for an answered envelope the invoker has not written yet. */
const CHAIN_CHECK_INTERVAL_MS = 3000;

const errorTypes = {
  ttl: EnvelopeError_Type.TTL_TIMEOUT,
  chain: EnvelopeError_Type.CC_INVOCATION,
  contract: EnvelopeError_Type.CONTRACT_INVOCATION,
  cancelled: EnvelopeError_Type.CONTRACT_CANCELLED,
  rejected: EnvelopeError_Type.CONTRACT_REJECTED,
  key: EnvelopeError_Type.PUBLIC_KEY_CHECK,
} as const;

function errorTypeName(type: EnvelopeError_Type): string {
  return EnvelopeError_Type[type] ?? String(type);
}

/** Creates a party over an engine, its store client and memorializer, and an envelope store. */
export function createParty(options: PartyOptions): Party {
  const { engine, eos, memorializer, store } = options;
  const now = options.now ?? (() => new Date());
  const policy = options.policy ?? (() => "hold" as const);
  const grantLifetimeMs = options.grantLifetimeMs ?? 60 * 60 * 1000;
  const sweepIntervalMs = options.sweepIntervalMs ?? 1000;
  const report = options.onError ?? (() => undefined);
  const events = new EventChannel<EnvelopeState>();
  const queue = new KeyedQueue();
  const abort = new AbortController();
  let sweep: NodeJS.Timeout | undefined;
  const chainChecks = new Map<string, number>();
  let started: Promise<void> | undefined;

  const decode = (bytes: Uint8Array) => fromBinary(EnvelopeSchema, bytes);
  const encode = (envelope: Envelope) => toBinary(EnvelopeSchema, envelope);

  function stateOf(record: EnvelopeRecord): EnvelopeState {
    return {
      ...record,
      scope: MetadataAddress.forScope(record.scopeUuid).toString(),
      input: decode(record.input),
      result: record.result === undefined ? undefined : decode(record.result),
    };
  }

  /**
   * Writes a new state (stamping the time it entered `status`) and tells the watchers. In the same
   * write: `answer`, the answer that caused it; `andThen`, a status entered right after `status`
   * (both are told).
   */
  async function save(
    record: EnvelopeRecord,
    changes: Partial<EnvelopeRecord> = {},
    options: { readonly answer?: AnswerRecord; readonly andThen?: EnvelopeStatus } = {},
  ): Promise<EnvelopeRecord> {
    const next = { ...record, ...changes };
    const entered =
      changes.status !== undefined && (changes.status !== record.status || record.times[changes.status] === undefined);
    const passed: EnvelopeRecord = entered ? { ...next, times: { ...next.times, [next.status]: now() } } : next;
    const saved: EnvelopeRecord =
      options.andThen === undefined
        ? passed
        : { ...passed, status: options.andThen, times: { ...passed.times, [options.andThen]: now() } };
    await store.put(saved, options.answer === undefined ? {} : { answer: options.answer });
    if (saved !== passed) events.publish(stateOf(passed));
    events.publish(stateOf(saved));
    return saved;
  }

  async function required(executionUuid: string): Promise<EnvelopeRecord> {
    const record = await store.get(executionUuid);
    if (record === undefined) throw new EngineError("not-found", `no envelope with execution ${executionUuid}`);
    return record;
  }

  /** Everyone an envelope concerns besides this party: recitals and scope owners, by encryption key. */
  function otherParties(envelope: Envelope): Uint8Array[] {
    const keys = (envelope.contract?.recitals ?? []).flatMap((r) => {
      const key = r.signer?.encryptionPublicKey?.publicKeyBytes;
      return key === undefined || key.length === 0 ? [] : [key];
    });
    return uniqueKeys(keys, engine.keys.encryption);
  }

  async function mailError(
    record: EnvelopeRecord,
    type: EnvelopeError_Type,
    message: string,
    to: readonly Uint8Array[],
  ) {
    if (to.length === 0) return;
    const error = create(EnvelopeErrorSchema, {
      uuid: { value: crypto.randomUUID() },
      type,
      message,
      readTime: timestampFromDate(now()),
      envelope: decode(record.input),
    });
    await eos.sendMail(toBinary(EnvelopeErrorSchema, error), { type: "ERROR_RESPONSE", to });
  }

  /** Ends an envelope in ERROR and mails the error to `to`. */
  async function fail(record: EnvelopeRecord, type: EnvelopeError_Type, message: string, to: readonly Uint8Array[]) {
    const saved = await save(record, { status: "ERROR", error: { type: errorTypeName(type), message } });
    await mailError(saved, type, message, to);
    return saved;
  }

  // --- invoker ---------------------------------------------------------------------------------

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
        const verdict = checkAnswer(record, answer, mail.sender, engine.address.slice(0, 2));
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

  // --- counterparty ----------------------------------------------------------------------------

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
    const ours = contract.recitals.some((r) =>
      sameKey(r.signer?.signingPublicKey?.publicKeyBytes, engine.keys.signing),
    );
    if (!ours) {
      await mail.reject("FRAGMENT_REQUEST names this party in no recital");
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

  async function onError(mail: ReceivedMail): Promise<void> {
    let error: ReturnType<typeof fromBinary<typeof EnvelopeErrorSchema>>;
    try {
      error = fromBinary(EnvelopeErrorSchema, mail.plaintext);
    } catch {
      await mail.reject("ERROR_RESPONSE is not an EnvelopeError");
      return;
    }
    const executionUuid = error.envelope?.executionUuid?.value ?? "";
    await queue.run(executionUuid, async () => {
      const record = executionUuid === "" ? undefined : await store.get(executionUuid);
      const fromParty = record !== undefined && otherParties(decode(record.input)).some((k) => sameKey(k, mail.sender));
      if (record !== undefined && fromParty && !terminalStatuses.includes(record.status)) {
        const message = `${error.message} (from ${engine.addressOf(mail.signer ?? mail.sender ?? new Uint8Array())})`;
        await save(record, { status: "ERROR", error: { type: errorTypeName(error.type), message } });
      }
      await mail.ack();
    });
  }

  // --- background ------------------------------------------------------------------------------

  async function handle(mail: ReceivedMail): Promise<void> {
    if (mail.type === "FRAGMENT_REQUEST") return onRequest(mail);
    if (mail.type === "FRAGMENT_RESPONSE") return onResponse(mail);
    if (mail.type === "ERROR_RESPONSE") return onError(mail);
    await mail.reject(`unknown mail type ${JSON.stringify(mail.type)}`);
  }

  async function runMailbox(ready: () => void): Promise<void> {
    for await (const mail of eos.subscribe({ signal: abort.signal, onReady: ready })) {
      // One item at a time, retried a few times; an item that keeps failing stays unacked (it comes
      // again after a reconnect) and never holds up the others.
      for (let attempt = 1; attempt <= 3; attempt++) {
        try {
          await handle(mail);
          break;
        } catch (error) {
          report(
            error instanceof Error ? error : new Error(String(error)),
            `handling ${mail.type} ${mail.uuid} (attempt ${attempt})`,
          );
          if (abort.signal.aborted) return;
          await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
        }
      }
    }
  }

  /** Picks up where a previous run stopped: every envelope not in a final state continues. */
  async function resume(): Promise<void> {
    for (const record of await store.list({
      status: ["CREATED", "FRAGMENT", "INBOX", "EXECUTED", "SIGNED", "CHAINCODE"],
    })) {
      await queue
        .run(record.executionUuid, async () => {
          const current = (await store.get(record.executionUuid))!;
          if (current.side === "invoker") {
            // The request may or may not have gone out before the stop; afterExecution sends it.
            if (current.status === "CREATED")
              await afterExecution(current, await engine.execute(decode(current.input)), false);
            else if (current.status === "FRAGMENT") await sendRequest(current);
            else if (current.status === "SIGNED" || current.status === "CHAINCODE") await memorialize(current);
          } else if (current.status === "INBOX") {
            await decide(current);
          } else if (current.status === "EXECUTED") {
            await runApproval(current);
          }
        })
        .catch((error: unknown) =>
          report(error instanceof Error ? error : new Error(String(error)), `resuming ${record.executionUuid}`),
        );
    }
  }

  /** Expiry, and a counterparty's envelope completing when the invoker's write reaches the chain. */
  async function sweepOnce(): Promise<void> {
    const open = await store.list({ status: ["CREATED", "FRAGMENT", "INBOX", "EXECUTED", "OUTBOX"] });
    for (const record of open) {
      await queue.run(record.executionUuid, async () => {
        const current = (await store.get(record.executionUuid))!;
        if (terminalStatuses.includes(current.status)) return;
        const expired = current.expiresAt !== undefined && current.expiresAt.getTime() <= now().getTime();
        if (expired && current.status !== "OUTBOX") {
          const to = current.side === "invoker" ? otherParties(decode(current.input)) : [current.invokerKey];
          await fail(current, errorTypes.ttl, `the execution expired at ${current.expiresAt!.toISOString()}`, to);
          return;
        }
        if (current.side === "counterparty" && current.status === "OUTBOX") {
          // The chain is asked about an answered envelope at most every few seconds, so that many
          // answered envelopes do not make a query storm.
          const asked = chainChecks.get(current.executionUuid) ?? 0;
          if (!expired && now().getTime() - asked < CHAIN_CHECK_INTERVAL_MS) return;
          chainChecks.set(current.executionUuid, now().getTime());
          const session = await memorializer.query.session(
            MetadataAddress.forSession(current.scopeUuid, current.sessionUuid),
          );
          if (session !== undefined || expired) chainChecks.delete(current.executionUuid);
          if (session !== undefined) await save(current, { status: "COMPLETE" });
          else if (expired)
            await save(current, {
              status: "ERROR",
              error: {
                type: errorTypeName(errorTypes.ttl),
                message: "the invoker did not write the envelope before it expired",
              },
            });
        }
      });
    }
  }

  function scheduleSweep(): void {
    sweep = setTimeout(() => {
      void sweepOnce()
        .catch((error: unknown) =>
          report(error instanceof Error ? error : new Error(String(error)), "sweeping envelopes"),
        )
        .finally(() => {
          if (!abort.signal.aborted) scheduleSweep();
        });
    }, sweepIntervalMs);
    sweep.unref();
  }

  return {
    start() {
      started ??= (async () => {
        await resume();
        await new Promise<void>((resolve, reject) => {
          runMailbox(resolve).catch((error: unknown) => {
            report(error instanceof Error ? error : new Error(String(error)), "the mailbox subscription");
            reject(error);
          });
        });
        scheduleSweep();
      })();
      return started;
    },

    async invoke(session) {
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
    },

    async approve(executionUuid) {
      return queue.run(executionUuid, async () => {
        const record = await required(executionUuid);
        if (record.side !== "counterparty" || record.status !== "INBOX") {
          throw new EngineError(
            "invalid-argument",
            `execution ${executionUuid} is ${record.side} ${record.status}, not a request awaiting approval`,
          );
        }
        return stateOf(await runApproval(record));
      });
    },

    async reject(executionUuid, message) {
      return queue.run(executionUuid, async () => {
        const record = await required(executionUuid);
        if (terminalStatuses.includes(record.status)) {
          throw new EngineError("invalid-argument", `execution ${executionUuid} is already ${record.status}`);
        }
        const to = record.side === "invoker" ? otherParties(decode(record.input)) : [record.invokerKey];
        return stateOf(await fail(record, errorTypes.rejected, message, to));
      });
    },

    async cancel(executionUuid, message = "cancelled by the invoker") {
      return queue.run(executionUuid, async () => {
        const record = await required(executionUuid);
        if (record.side !== "invoker")
          throw new EngineError("invalid-argument", "only the invoker can cancel an execution");
        if (terminalStatuses.includes(record.status) || record.status === "SIGNED" || record.status === "CHAINCODE") {
          throw new EngineError(
            "invalid-argument",
            `execution ${executionUuid} is ${record.status}; it can no longer be cancelled`,
          );
        }
        return stateOf(await fail(record, errorTypes.cancelled, message, otherParties(decode(record.input))));
      });
    },

    async get(executionUuid) {
      const record = await store.get(executionUuid);
      return record === undefined ? undefined : stateOf(record);
    },

    async list(filter) {
      return (await store.list(filter)).map(stateOf);
    },

    answers(executionUuid) {
      return store.answers(executionUuid);
    },

    watch(watchOptions = {}) {
      const { executionUuid, signal } = watchOptions;
      const signals = signal === undefined ? abort.signal : AbortSignal.any([signal, abort.signal]);
      return events.subscribe((state) => executionUuid === undefined || state.executionUuid === executionUuid, signals);
    },

    async close() {
      abort.abort();
      if (sweep !== undefined) clearTimeout(sweep);
      events.close();
    },
  };
}
