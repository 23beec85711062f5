// ABCI error results as a Cosmos SDK chain produces them: a codespace, a code and a log line.
// Errors registered by a module carry their own code and append their description to the log
// ("…: insufficient fee"); plain Go errors (what x/metadata's ValidateBasic returns) come out as
// codespace "undefined", code 1, with the message unchanged. The SDK finds the code of a wrapped
// error through the whole chain (errors.As in cosmossdk.io/errors abciInfo).

/** An ABCI refusal: what CheckTx, DeliverTx, Simulate or a query answers with. */
export class AbciError extends Error {
  override readonly name = "AbciError";
  readonly codespace: string;
  readonly code: number;

  constructor(codespace: string, code: number, log: string) {
    super(log);
    this.codespace = codespace;
    this.code = code;
  }

  /** The same error with a context prefix, as errorsmod.Wrapf produces it. */
  wrap(context: string): AbciError {
    return new AbciError(this.codespace, this.code, `${context}: ${this.message}`);
  }
}

/** Registered Cosmos SDK root errors (codespace "sdk"), with their descriptions. */
const sdkErrors = {
  txDecode: [2, "tx parse error"],
  unauthorized: [4, "unauthorized"],
  insufficientFunds: [5, "insufficient funds"],
  unknownRequest: [6, "unknown request"],
  invalidAddress: [7, "invalid address"],
  invalidPubKey: [8, "invalid pubkey"],
  unknownAddress: [9, "unknown address"],
  invalidCoins: [10, "invalid coins"],
  memoTooLarge: [12, "memo too large"],
  insufficientFee: [13, "insufficient fee"],
  noSignatures: [15, "no signatures supplied"],
  invalidRequest: [18, "invalid request"],
  keyNotFound: [22, "key not found"],
  invalidType: [29, "invalid type"],
  txTimeoutHeight: [30, "tx timeout height"],
  wrongSequence: [32, "incorrect account sequence"],
  logic: [35, "internal logic error"],
  notSupported: [37, "feature not supported"],
  notFound: [38, "not found"],
} as const;

/** The name of a registered SDK error. */
export type SdkErrorName = keyof typeof sdkErrors;

/** An SDK error wrapped with `message`, logged as "message: description". */
export function sdkError(name: SdkErrorName, message?: string): AbciError {
  const [code, description] = sdkErrors[name];
  return new AbciError("sdk", code, message === undefined ? description : `${message}: ${description}`);
}

/** x/authz's registered errors (codespace "authz"). */
const authzErrors = {
  noAuthorizationFound: [2, "authorization not found"],
  invalidExpirationTime: [3, "expiration time of authorization should be more than current time"],
  unknownAuthorizationType: [4, "unknown authorization type"],
  granteeIsGranter: [7, "grantee and granter should be different"],
  authorizationNumOfSigners: [9, "authorization can be given to msg with only one signer"],
} as const;

/** An x/authz error wrapped with `message`. */
export function authzError(name: keyof typeof authzErrors, message?: string): AbciError {
  const [code, description] = authzErrors[name];
  return new AbciError("authz", code, message === undefined ? description : `${message}: ${description}`);
}

/** A plain error as a module returns it with fmt.Errorf: codespace "undefined", code 1. */
export function plainError(message: string): AbciError {
  return new AbciError("undefined", 1, message);
}

/** Any thrown value as an AbciError; unexpected exceptions become plain errors. */
export function toAbciError(reason: unknown): AbciError {
  if (reason instanceof AbciError) return reason;
  return plainError(reason instanceof Error ? reason.message : String(reason));
}
