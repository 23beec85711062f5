// The state machine: decoding and checking transactions (the ante handler), executing their Msgs,
// charging flat fees, and committing blocks. It mirrors the Cosmos SDK's baseapp closely enough that
// every refusal carries the code, codespace and log a Provenance node would give.
import { createPublicKey, type KeyObject, verify as nodeVerify } from "node:crypto";
import { sha256 } from "@noble/hashes/sha2.js";
import { TxMsgData } from "cosmjs-types/cosmos/base/abci/v1beta1/abci";
import { PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import { SignMode } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";
import { AuthInfo, SignDoc, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import type { Any } from "cosmjs-types/google/protobuf/any";
import { sdkError, toAbciError } from "./abci-error.js";
import {
  type AddressError,
  accountIdOfPublicKey,
  concat,
  decodeAccountAddress,
  encodeAccountAddress,
  equalBytes,
  toBase64,
} from "./codec.js";
import { type ChainParams, type Context, event, withStore } from "./context.js";
import { txCost } from "./fees.js";
import {
  accountPublicKey,
  FEE_COLLECTOR_ID,
  getAccount,
  SECP256K1_PUBKEY_TYPE_URL,
  setAccount,
  withPublicKey,
} from "./modules/auth.js";
import { type Coin, coinsString, getBalance, sendCoins } from "./modules/bank.js";
import type { DecodedMsg, MsgContext, MsgRouter } from "./router.js";
import type { AbciEvent, TxResult } from "./store/database.js";
import { CacheStore, type KVRead, type KVStore, keyBytes } from "./store/kv-store.js";

/** Provenance's memo limit since v1.26. */
export const MAX_MEMO_CHARACTERS = 1024;

/** A decoded transaction. */
export interface DecodedTx {
  readonly raw: TxRaw;
  readonly body: TxBody;
  readonly authInfo: AuthInfo;
  readonly msgs: readonly DecodedMsg[];
}

/** The outcome of Simulate. */
export interface SimulationResult {
  readonly gasWanted: bigint;
  /** Provenance's Simulate reports the required fee in nhash here (use gas price 1nhash). */
  readonly gasUsed: bigint;
  readonly data: Uint8Array;
  readonly log: string;
  readonly events: readonly AbciEvent[];
  readonly msgResponses: readonly Any[];
}

/** The uppercase hex SHA-256 of tx bytes: the tx hash CometBFT reports. */
export function txHash(txBytes: Uint8Array): Uint8Array {
  return sha256(txBytes);
}

/** Decodes TxRaw bytes and every Msg in them, failing with the SDK's "tx parse error". */
export function decodeTx(txBytes: Uint8Array, router: MsgRouter): DecodedTx {
  let raw: TxRaw;
  let body: TxBody;
  let authInfo: AuthInfo;
  try {
    raw = TxRaw.decode(txBytes);
    body = TxBody.decode(raw.bodyBytes);
    authInfo = AuthInfo.decode(raw.authInfoBytes);
  } catch (cause) {
    throw sdkError("txDecode", cause instanceof Error ? cause.message : String(cause));
  }
  if (raw.bodyBytes.length === 0) throw sdkError("txDecode", "tx body is missing");
  const msgs = body.messages.map((any) => router.decode(any));
  return { raw, body, authInfo, msgs };
}

/** A rough, deterministic gas figure: the devnet does not meter gas, but results carry a number. */
function estimateGas(tx: DecodedTx, txBytes: Uint8Array): bigint {
  return 40_000n + 10n * BigInt(txBytes.length) + 25_000n * BigInt(tx.msgs.length);
}

/** The union of the Msgs' signers in order of first appearance: the tx's required signers. */
export function txSigners(tx: DecodedTx): string[] {
  const signers: string[] = [];
  for (const msg of tx.msgs) {
    for (const signer of msg.handler.signers(msg.msg)) if (!signers.includes(signer)) signers.push(signer);
  }
  return signers;
}

function feeCoins(tx: DecodedTx): Coin[] {
  const out: Coin[] = [];
  for (const coin of tx.authInfo.fee?.amount ?? []) {
    if (!/^[0-9]+$/.test(coin.amount))
      throw sdkError("insufficientFee", `invalid fee amount: ${coin.amount}${coin.denom}`);
    const amount = BigInt(coin.amount);
    if (amount > 0n) out.push({ denom: coin.denom, amount });
  }
  return out;
}

function quotedCoins(coins: readonly Coin[]): string {
  return JSON.stringify(coinsString(coins));
}

interface AnteOutcome {
  readonly feePayer: Uint8Array;
  readonly fee: readonly Coin[];
  readonly upFront: bigint;
  readonly required: bigint;
}

function addMsgIndex(events: readonly AbciEvent[], index: number): AbciEvent[] {
  return events.map((e) => ({
    type: e.type,
    attributes: [...e.attributes, { key: "msg_index", value: String(index), index: true }],
  }));
}

// CheckTx and DeliverTx verify the same signatures; remember the ones that verified (a pure function
// of sign doc, signature and key) so that each costs one verification.
const verified = new Set<string>();

// secp256k1's group order halved: a signature's s above it is high-S, which the SDK refuses.
const HALF_ORDER = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

// SubjectPublicKeyInfo prefixes (id-ecPublicKey, secp256k1) for a compressed and an uncompressed point.
const SPKI_COMPRESSED = Buffer.from("3036301006072a8648ce3d020106052b8104000a032200", "hex");
const SPKI_UNCOMPRESSED = Buffer.from("3056301006072a8648ce3d020106052b8104000a034200", "hex");

/**
 * secp256k1 ECDSA over SHA-256 of the sign doc, 64-byte r‖s, low-S only. Verified by OpenSSL
 * (node:crypto), which checks r and s against the order and the key's point against the curve,
 * four times faster than a pure-JS verification.
 */
function verifySignature(signDoc: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  const digest = sha256(signDoc);
  const key = `${toBase64(digest)}${toBase64(signature)}${toBase64(publicKey)}`;
  if (verified.has(key)) return true;
  let valid: boolean;
  try {
    const s = BigInt(`0x${Buffer.from(signature.subarray(32)).toString("hex")}`);
    valid =
      s <= HALF_ORDER &&
      nodeVerify("sha256", signDoc, { key: verificationKey(publicKey), dsaEncoding: "ieee-p1363" }, signature);
  } catch {
    valid = false;
  }
  if (valid) {
    if (verified.size >= 10_000) verified.clear();
    verified.add(key);
  }
  return valid;
}

/** A public key (33 bytes compressed, or 65) as an OpenSSL key. @throws for any other length or a point off the curve. */
function verificationKey(publicKey: Uint8Array): KeyObject {
  const prefix = publicKey.length === 33 ? SPKI_COMPRESSED : publicKey.length === 65 ? SPKI_UNCOMPRESSED : undefined;
  if (prefix === undefined) throw new RangeError(`a secp256k1 key is 33 or 65 bytes, got ${publicKey.length}`);
  return createPublicKey({ key: Buffer.concat([prefix, publicKey]), format: "der", type: "spki" });
}

/** The ABCI application the devnet runs. */
export class Application {
  readonly chain: ChainParams;
  readonly router: MsgRouter;

  constructor(chain: ChainParams, router: MsgRouter) {
    this.chain = chain;
    this.router = router;
  }

  #context(store: KVStore, height: number, time: Date, simulate: boolean): Context {
    return { store, chain: this.chain, blockHeight: height, blockTime: time, simulate, events: [] };
  }

  /** Stateless checks every mode runs first: at least one Msg, each passing ValidateBasic. */
  #validateBasic(tx: DecodedTx): void {
    if (tx.msgs.length === 0) throw sdkError("invalidRequest", "must contain at least one message");
    for (const msg of tx.msgs) msg.handler.validateBasic(msg.msg, this.chain);
  }

  /** The ante handler: memo, timeout, signer count, fees, public keys, sequences and signatures. */
  #ante(ctx: Context, tx: DecodedTx): AnteOutcome {
    // ValidateMemoDecorator counts Go's len(memo): UTF-8 bytes.
    const memoLength = new TextEncoder().encode(tx.body.memo).length;
    if (memoLength > MAX_MEMO_CHARACTERS) {
      throw sdkError(
        "memoTooLarge",
        `maximum number of characters is ${MAX_MEMO_CHARACTERS} but received ${memoLength} characters`,
      );
    }
    if (tx.body.timeoutHeight > 0n && BigInt(ctx.blockHeight) > tx.body.timeoutHeight) {
      throw sdkError("txTimeoutHeight", `block height: ${ctx.blockHeight}, timeout height: ${tx.body.timeoutHeight}`);
    }
    const signers = txSigners(tx);
    const signerIds = signers.map((signer) => {
      try {
        return decodeAccountAddress(this.chain.prefix, signer);
      } catch (error) {
        throw sdkError(
          "invalidAddress",
          `invalid signer address ${JSON.stringify(signer)}: ${(error as AddressError).message}`,
        );
      }
    });
    if (!ctx.simulate) {
      if (tx.raw.signatures.length === 0) throw sdkError("noSignatures");
      if (tx.raw.signatures.length !== signers.length) {
        throw sdkError(
          "unauthorized",
          `wrong number of signers; expected ${signers.length}, got ${tx.raw.signatures.length}`,
        );
      }
    }
    if (tx.authInfo.signerInfos.length !== signers.length) {
      throw sdkError(
        "unauthorized",
        `invalid number of signer;  expected: ${signers.length}, got ${tx.authInfo.signerInfos.length}`,
      );
    }

    // Flat fees: the whole fee must cover the Msgs' costs; the up-front part is collected now and
    // kept even if a Msg fails, the rest only on success.
    const fee = feeCoins(tx);
    const { total: required, upFront } = txCost(
      this.chain.fees,
      tx.msgs.map((m) => m.typeUrl),
    );
    const provided = fee.find((c) => c.denom === this.chain.feeDenom)?.amount ?? 0n;
    const requiredCoins = [{ denom: this.chain.feeDenom, amount: required }];
    if (!ctx.simulate && provided < required) {
      throw sdkError(
        "insufficientFee",
        `fee required: ${quotedCoins(requiredCoins)}, fee provided: ${quotedCoins(fee)}`,
      );
    }
    const payerText = tx.authInfo.fee?.payer ?? "";
    const feePayer =
      payerText.length > 0 ? decodeAccountAddress(this.chain.prefix, payerText) : (signerIds[0] ?? new Uint8Array(20));
    const feePayerText = encodeAccountAddress(this.chain.prefix, feePayer);
    if (!ctx.simulate) {
      if (getAccount(ctx, feePayer) === undefined) {
        throw sdkError("unknownAddress", `fee payer address ${JSON.stringify(feePayerText)} does not exist`);
      }
      const balances = fee.map((c) => ({ denom: c.denom, amount: getBalance(ctx, feePayer, c.denom) }));
      if (fee.some((c, i) => balances[i]!.amount < c.amount)) {
        throw sdkError(
          "insufficientFunds",
          `account ${JSON.stringify(feePayerText)} balance: ${quotedCoins(balances)}, required: ${quotedCoins(fee)}`,
        );
      }
      if (upFront > 0n) sendCoins(ctx, feePayer, FEE_COLLECTOR_ID, [{ denom: this.chain.feeDenom, amount: upFront }]);
    }
    ctx.events.push(
      event("tx", { fee: coinsString(fee), fee_payer: feePayerText }),
      event("tx", { min_fee_charged: `${upFront}${this.chain.feeDenom}`, fee_payer: feePayerText }),
    );

    // Public keys, sequences and signatures, signer by signer.
    const accounts = signerIds.map((id, i) => {
      const account = getAccount(ctx, id);
      if (account === undefined) throw sdkError("unknownAddress", `account ${signers[i]} does not exist`);
      return account;
    });
    accounts.forEach((account, i) => {
      const info = tx.authInfo.signerInfos[i]!;
      if (info.publicKey === undefined) return;
      if (info.publicKey.typeUrl !== SECP256K1_PUBKEY_TYPE_URL) {
        throw sdkError(
          "invalidPubKey",
          `unsupported public key type ${info.publicKey.typeUrl}; the devnet accepts secp256k1 keys`,
        );
      }
      const key = PubKey.decode(info.publicKey.value).key;
      if (!equalBytes(accountIdOfPublicKey(key), signerIds[i]!)) {
        throw sdkError("invalidPubKey", `pubKey does not match signer address ${signers[i]} with signer index: ${i}`);
      }
      if (accountPublicKey(account) === undefined) {
        accounts[i] = withPublicKey(account, key);
        setAccount(ctx, signerIds[i]!, accounts[i]!);
      }
    });
    accounts.forEach((account, i) => {
      const info = tx.authInfo.signerInfos[i]!;
      const publicKey = accountPublicKey(account);
      if (!ctx.simulate && publicKey === undefined) throw sdkError("invalidPubKey", "pubkey on account is not set");
      if (info.sequence !== account.sequence) {
        throw sdkError(
          "wrongSequence",
          `account sequence mismatch, expected ${account.sequence}, got ${info.sequence}`,
        );
      }
      if (ctx.simulate || publicKey === undefined) return;
      const mode = info.modeInfo?.single?.mode;
      const signDoc = SignDoc.encode({
        bodyBytes: tx.raw.bodyBytes,
        authInfoBytes: tx.raw.authInfoBytes,
        chainId: this.chain.chainId,
        accountNumber: account.accountNumber,
      }).finish();
      const signature = tx.raw.signatures[i]!;
      const valid = mode === SignMode.SIGN_MODE_DIRECT && verifySignature(signDoc, signature, publicKey);
      if (!valid) {
        const why = mode === SignMode.SIGN_MODE_DIRECT ? "" : " (the devnet verifies SIGN_MODE_DIRECT only)";
        throw sdkError(
          "unauthorized",
          `signature verification failed; please verify account number (${account.accountNumber}), sequence (${account.sequence}) and chain-id (${this.chain.chainId})${why}`,
        );
      }
    });
    accounts.forEach((account, i) => {
      setAccount(ctx, signerIds[i]!, { ...account, sequence: account.sequence + 1n });
      ctx.events.push(event("tx", { acc_seq: `${signers[i]}/${account.sequence}` }));
    });
    for (const signature of tx.raw.signatures) ctx.events.push(event("tx", { signature: toBase64(signature) }));
    return { feePayer, fee, upFront, required };
  }

  /** Runs the Msgs and the fee post-handler; returns the Msg responses. */
  #runMsgs(ctx: Context, tx: DecodedTx, ante: AnteOutcome): Any[] {
    const responses: Any[] = [];
    const signers = txSigners(tx);
    tx.msgs.forEach((msg, index) => {
      const msgCtx: MsgContext = { ...ctx, events: [], router: this.router };
      const module = msg.typeUrl.split(".")[1] ?? "";
      const sender = msg.handler.signers(msg.msg)[0] ?? signers[0] ?? "";
      let response: Any;
      try {
        response = msg.handler.execute(msgCtx, msg.msg);
      } catch (error) {
        throw toAbciError(error).wrap(`failed to execute message; message index: ${index}`);
      }
      ctx.events.push(
        ...addMsgIndex([event("message", { action: msg.typeUrl, sender, module }), ...msgCtx.events], index),
      );
      responses.push(response);
    });
    if (!ctx.simulate) {
      const remainder = ante.fee.map((c) =>
        c.denom === this.chain.feeDenom ? { denom: c.denom, amount: c.amount - ante.upFront } : c,
      );
      try {
        sendCoins(ctx, ante.feePayer, FEE_COLLECTOR_ID, remainder);
      } catch (error) {
        throw toAbciError(error).wrap(
          `could not collect remaining cost ${JSON.stringify(coinsString(remainder))} upon success`,
        );
      }
      const provided = ante.fee.find((c) => c.denom === this.chain.feeDenom)?.amount ?? 0n;
      const denom = this.chain.feeDenom;
      const attributes: Record<string, string> = {
        fee_payer: encodeAccountAddress(this.chain.prefix, ante.feePayer),
        basefee: `${ante.upFront}${denom}`,
      };
      if (ante.required > ante.upFront) attributes.additionalfee = `${ante.required - ante.upFront}${denom}`;
      if (provided > ante.required) attributes.fee_overage = `${provided - ante.required}${denom}`;
      attributes.total = coinsString(ante.fee);
      ctx.events.push(event("tx", attributes));
    }
    return responses;
  }

  /** CheckTx: decode, ValidateBasic and the ante handler against the mempool's state. */
  checkTx(checkStore: CacheStore, txBytes: Uint8Array, height: number, time: Date): TxResult {
    let gasWanted = 0n;
    try {
      const tx = decodeTx(txBytes, this.router);
      gasWanted = tx.authInfo.fee?.gasLimit ?? 0n;
      this.#validateBasic(tx);
      const cache = new CacheStore(checkStore);
      const ctx = this.#context(cache, height, time, false);
      this.#ante(ctx, tx);
      cache.writeTo(checkStore);
      return {
        code: 0,
        codespace: "",
        log: "",
        data: new Uint8Array(),
        gasWanted,
        gasUsed: estimateGas(tx, txBytes),
        events: ctx.events,
      };
    } catch (error) {
      return failure(error, gasWanted);
    }
  }

  /** DeliverTx: everything CheckTx does, then the Msgs; a failing Msg reverts all but the ante effects. */
  deliverTx(blockStore: CacheStore, txBytes: Uint8Array, height: number, time: Date): TxResult {
    let gasWanted = 0n;
    let tx: DecodedTx;
    const anteStore = new CacheStore(blockStore);
    const anteCtx = this.#context(anteStore, height, time, false);
    let ante: AnteOutcome;
    try {
      tx = decodeTx(txBytes, this.router);
      gasWanted = tx.authInfo.fee?.gasLimit ?? 0n;
      this.#validateBasic(tx);
      ante = this.#ante(anteCtx, tx);
    } catch (error) {
      return failure(error, gasWanted);
    }
    anteStore.writeTo(blockStore);
    const gasUsed = estimateGas(tx, txBytes);
    const msgStore = new CacheStore(blockStore);
    const msgCtx = withStore(anteCtx, msgStore);
    try {
      const responses = this.#runMsgs(msgCtx, tx, ante);
      msgStore.writeTo(blockStore);
      const data = TxMsgData.encode({ data: [], msgResponses: responses }).finish();
      return {
        code: 0,
        codespace: "",
        log: "",
        data,
        gasWanted,
        gasUsed,
        events: [...anteCtx.events, ...msgCtx.events],
      };
    } catch (error) {
      // The ante handler's events (fees) stand even when a Msg fails.
      return { ...failure(error, gasWanted), gasUsed, events: anteCtx.events };
    }
  }

  /** Simulate: runs the tx against a throw-away copy of the mempool state, skipping signatures and fees. */
  simulate(checkStore: CacheStore, txBytes: Uint8Array, height: number, time: Date): SimulationResult {
    const tx = decodeTx(txBytes, this.router);
    this.#validateBasic(tx);
    const ctx = this.#context(new CacheStore(checkStore), height, time, true);
    const ante = this.#ante(ctx, tx);
    const responses = this.#runMsgs(ctx, tx, ante);
    return {
      gasWanted: estimateGas(tx, txBytes),
      gasUsed: ante.required,
      data: TxMsgData.encode({ data: [], msgResponses: responses }).finish(),
      log: "",
      events: ctx.events,
      msgResponses: responses,
    };
  }

  /** The fee a tx must carry, in the fee denom, and the devnet's gas figure for it. */
  calculateFee(txBytes: Uint8Array): { fee: bigint; gas: bigint } {
    const tx = decodeTx(txBytes, this.router);
    return {
      fee: txCost(
        this.chain.fees,
        tx.msgs.map((m) => m.typeUrl),
      ).total,
      gas: estimateGas(tx, txBytes),
    };
  }

  /** A read-only context over `store` (for queries). */
  readContext(store: KVRead, height: number, time: Date): Context {
    return this.#context(new CacheStore(store), height, time, false);
  }

  /** A writable context (genesis). */
  writeContext(store: KVStore, height: number, time: Date): Context {
    return this.#context(store, height, time, false);
  }
}

function failure(error: unknown, gasWanted: bigint): TxResult {
  const abci = toAbciError(error);
  return {
    code: abci.code,
    codespace: abci.codespace,
    log: abci.message,
    data: new Uint8Array(),
    gasWanted,
    gasUsed: 0n,
    events: [],
  };
}

/** The app hash after a block: SHA-256 over the previous hash and the block's sorted writes. */
export function nextAppHash(previous: Uint8Array, writes: ReadonlyMap<string, Uint8Array | undefined>): Uint8Array {
  const keys = [...writes.keys()].sort();
  const parts: Uint8Array[] = [previous];
  for (const key of keys) {
    const value = writes.get(key);
    parts.push(keyBytes(key), value === undefined ? Uint8Array.of(0) : sha256(value));
  }
  return sha256(concat(...parts));
}
