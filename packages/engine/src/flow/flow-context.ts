// What both sides of a party's flow share: the parts it works with, the envelope store's writes
// (each one stamped and told to the watchers), and ending an envelope in ERROR with the mail that
// says so.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  type Envelope,
  EnvelopeError_Type,
  EnvelopeErrorSchema,
  EnvelopeSchema,
  MetadataAddress,
} from "@p8e/spec-model";
import { EngineError } from "../errors.js";
import { snapshotScope } from "../execution/snapshot.js";
import { uniqueKeys } from "../parties.js";
import type { AnswerRecord, EnvelopeRecord, EnvelopeStatus } from "./envelope-store.js";
import type { ApprovalPolicy, EnvelopeState, PartyOptions } from "./party-api.js";
import type { EventChannel, KeyedQueue } from "./state-events.js";

/** The EnvelopeError types the flow ends envelopes with. */
export const errorTypes = {
  ttl: EnvelopeError_Type.TTL_TIMEOUT,
  chain: EnvelopeError_Type.CC_INVOCATION,
  contract: EnvelopeError_Type.CONTRACT_INVOCATION,
  cancelled: EnvelopeError_Type.CONTRACT_CANCELLED,
  rejected: EnvelopeError_Type.CONTRACT_REJECTED,
  key: EnvelopeError_Type.PUBLIC_KEY_CHECK,
} as const;

/** An EnvelopeError type's name, as envelope records keep it. */
export function errorTypeName(type: EnvelopeError_Type): string {
  return EnvelopeError_Type[type] ?? String(type);
}

/** The parts and the shared steps of one party's flow. */
export type FlowContext = ReturnType<typeof createFlowContext>;

/** The context a party's two sides work over; `events` hears every write, `queue` orders work per execution. */
export function createFlowContext(options: PartyOptions, events: EventChannel<EnvelopeState>, queue: KeyedQueue) {
  const { engine, eos, memorializer, store } = options;
  const now = options.now ?? (() => new Date());
  const policy: ApprovalPolicy = options.policy ?? (() => "hold");
  const grantLifetimeMs = options.grantLifetimeMs ?? 60 * 60 * 1000;

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

  /**
   * Everyone an envelope concerns besides this party, by encryption key: its recitals, and the
   * owners of the scope it was packaged on (from the directory; packaging refuses an owner whose
   * keys are unknown). An owner that is not a recital must sign as well.
   */
  function otherParties(envelope: Envelope): Uint8Array[] {
    const recitals = (envelope.contract?.recitals ?? []).flatMap((r) => {
      const key = r.signer?.encryptionPublicKey?.publicKeyBytes;
      return key === undefined || key.length === 0 ? [] : [key];
    });
    const owners = scopeOwners(envelope).flatMap((owner) => {
      const keys = engine.partyKeys(owner.address);
      return keys === undefined ? [] : [keys.encryption];
    });
    return uniqueKeys([...recitals, ...owners], engine.keys.encryption);
  }

  /**
   * The owners of the scope an envelope was packaged on, as its snapshot names them; none for a new
   * scope, or for a snapshot that is not a ScopeResponse (a malformed request is refused elsewhere).
   */
  function scopeOwners(envelope: Envelope): readonly { readonly address: string }[] {
    try {
      return snapshotScope(envelope)?.owners ?? [];
    } catch {
      return [];
    }
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

  return {
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
    stateOf,
    save,
    required,
    scopeOwners,
    otherParties,
    mailError,
    fail,
  };
}
