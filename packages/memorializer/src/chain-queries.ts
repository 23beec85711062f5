import {
  create,
  type DescMethodUnary,
  fromBinary,
  type MessageInitShape,
  type MessageShape,
  toBinary,
} from "@bufbuild/protobuf";
import {
  type Account,
  type AuthExtension,
  accountFromAny,
  type BankExtension,
  QueryClient,
  setupAuthExtension,
  setupBankExtension,
} from "@cosmjs/stargate";
import type { CometClient } from "@cosmjs/tendermint-rpc";
import { MetadataAddress } from "@p8e/spec-model";
import {
  type Record as ChainRecord,
  type ContractSpecification,
  Query,
  type RecordSpecification,
  type Scope,
  type ScopeSpecification,
  type Session,
} from "@p8e/spec-model/metadata";
import { GenericAuthorization } from "cosmjs-types/cosmos/authz/v1beta1/authz";
import { QueryGrantsRequest, QueryGrantsResponse } from "cosmjs-types/cosmos/authz/v1beta1/query";
import { MemorializerError } from "./errors.js";

/** A scope as the chain holds it, with its sessions and records. */
export interface ScopeView {
  /** The scope; `valueOwnerAddress` is filled in from the bank module, as the chain's query does. */
  readonly scope: Scope;
  /** Its sessions (empty unless asked for). */
  readonly sessions: readonly Session[];
  /** Its records (empty unless asked for). */
  readonly records: readonly ChainRecord[];
}

/** A contract specification with the record specifications under it. */
export interface ContractSpecificationView {
  readonly specification: ContractSpecification;
  readonly recordSpecifications: readonly RecordSpecification[];
}

/** An authz grant as the chain holds it: what it authorizes and until when. */
export interface AuthzGrantView {
  /** The authorization's type URL, e.g. `/cosmos.authz.v1beta1.GenericAuthorization`. */
  readonly authorizationType: string;
  /** For a GenericAuthorization, the Msg type it allows. */
  readonly msg: string | undefined;
  /** When it lapses; undefined for a grant without expiry. */
  readonly expiration: Date | undefined;
}

/** A coin balance: an integer amount as a decimal string and its denomination. */
export interface Balance {
  readonly denom: string;
  readonly amount: string;
}

/** Something that names a metadata entry: its address object, bech32 text, or raw bytes. */
export type MetadataId = MetadataAddress | string | Uint8Array;

function bech32Of(id: MetadataId, kind: MetadataAddress["kind"]): string {
  let address: MetadataAddress;
  try {
    address = id instanceof MetadataAddress ? id : MetadataAddress.from(id);
  } catch (cause) {
    throw new MemorializerError("invalid-argument", `not a metadata address: ${String(id)}`, { cause });
  }
  if (address.kind !== kind) {
    throw new MemorializerError(
      "invalid-argument",
      `${address.toString()} is a ${address.kind} address, expected ${kind}`,
    );
  }
  return address.toString();
}

const queryFailure = /^Query failed with \((\d+)\): ([\s\S]*)$/;

/** Converts what CosmJS throws for a failed ABCI query into a MemorializerError with the chain's code and log. */
function queryError(path: string, cause: unknown): MemorializerError {
  const text = cause instanceof Error ? cause.message : String(cause);
  const match = queryFailure.exec(text);
  if (match !== null) {
    return new MemorializerError("query-failed", `query ${path} failed: ${match[2]}`, {
      chainCode: Number(match[1]),
      log: match[2] ?? "",
      cause,
    });
  }
  return new MemorializerError("query-failed", `query ${path} failed: ${text}`, { cause });
}

function isNotFound(error: MemorializerError): boolean {
  return /not ?found|does not exist|key not found/i.test(error.log ?? error.message);
}

/**
 * ABCI queries a memorializer needs, over the same CometBFT RPC connection: metadata entries and
 * specifications (answering `undefined` when the chain has none), accounts and balances.
 */
export class ChainQueries {
  readonly #client: QueryClient & AuthExtension & BankExtension;

  /** Queries through an already connected CometBFT client; closing it stays the caller's job. */
  constructor(cometClient: CometClient) {
    this.#client = QueryClient.withExtensions(cometClient, setupAuthExtension, setupBankExtension);
  }

  /**
   * Calls any unary `provenance.metadata.v1.Query` method (or another gRPC query service's) by its
   * descriptor, e.g. `call(Query.method.scope, { scopeId })`.
   * @throws {MemorializerError} code "query-failed" with the chain's code and log.
   */
  async call<M extends DescMethodUnary>(
    method: M,
    request: MessageInitShape<M["input"]>,
  ): Promise<MessageShape<M["output"]>> {
    const path = `/${method.parent.typeName}/${method.name}`;
    let value: Uint8Array;
    try {
      ({ value } = await this.#client.queryAbci(path, toBinary(method.input, create(method.input, request))));
    } catch (cause) {
      throw queryError(path, cause);
    }
    try {
      return fromBinary(method.output, value) as MessageShape<M["output"]>;
    } catch (cause) {
      throw new MemorializerError(
        "query-failed",
        `query ${path} answered bytes that are not a ${method.output.typeName}`,
        {
          cause,
        },
      );
    }
  }

  /** The scope with its sessions and records (both included unless turned off), or undefined. */
  async scope(
    id: MetadataId,
    options: { readonly includeSessions?: boolean; readonly includeRecords?: boolean } = {},
  ): Promise<ScopeView | undefined> {
    const response = await this.call(Query.method.scope, {
      scopeId: bech32Of(id, "scope"),
      includeSessions: options.includeSessions ?? true,
      includeRecords: options.includeRecords ?? true,
    });
    const scope = response.scope?.scope;
    if (scope === undefined) return undefined;
    return {
      scope,
      sessions: response.sessions.flatMap((w) => (w.session === undefined ? [] : [w.session])),
      records: response.records.flatMap((w) => (w.record === undefined ? [] : [w.record])),
    };
  }

  /** One session, or undefined. */
  async session(id: MetadataId): Promise<Session | undefined> {
    const response = await this.call(Query.method.sessions, { sessionId: bech32Of(id, "session") });
    return response.sessions.find((w) => w.session !== undefined)?.session;
  }

  /** One record, or undefined. */
  async record(id: MetadataId): Promise<ChainRecord | undefined> {
    const response = await this.call(Query.method.records, { recordAddr: bech32Of(id, "record") });
    return response.records.find((w) => w.record !== undefined)?.record;
  }

  /** A scope specification, or undefined. */
  async scopeSpecification(id: MetadataId): Promise<ScopeSpecification | undefined> {
    const response = await this.call(Query.method.scopeSpecification, {
      specificationId: bech32Of(id, "scopeSpecification"),
    });
    return response.scopeSpecification?.specification;
  }

  /** A contract specification with its record specifications, or undefined. */
  async contractSpecification(id: MetadataId): Promise<ContractSpecificationView | undefined> {
    const response = await this.call(Query.method.contractSpecification, {
      specificationId: bech32Of(id, "contractSpecification"),
      includeRecordSpecs: true,
    });
    const specification = response.contractSpecification?.specification;
    if (specification === undefined) return undefined;
    return {
      specification,
      recordSpecifications: response.recordSpecifications.flatMap((w) =>
        w.specification === undefined ? [] : [w.specification],
      ),
    };
  }

  /** A record specification, or undefined. */
  async recordSpecification(id: MetadataId): Promise<RecordSpecification | undefined> {
    const response = await this.call(Query.method.recordSpecification, {
      specificationId: bech32Of(id, "recordSpecification"),
    });
    return response.recordSpecification?.specification;
  }

  /** An account's number, sequence and public key, or undefined when the chain has never seen it. */
  async account(address: string): Promise<Account | undefined> {
    try {
      const account = await this.#client.auth.account(address);
      return account === null ? undefined : accountFromAny(account);
    } catch (cause) {
      const error = queryError("/cosmos.auth.v1beta1.Query/Account", cause);
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** The balance of one denomination (`nhash` unless told), zero when the account holds none. */
  async balance(address: string, denom = "nhash"): Promise<Balance> {
    try {
      const coin = await this.#client.bank.balance(address, denom);
      return { denom: coin.denom || denom, amount: coin.amount || "0" };
    } catch (cause) {
      throw queryError("/cosmos.bank.v1beta1.Query/Balance", cause);
    }
  }

  /** Every balance of an account. */
  async allBalances(address: string): Promise<Balance[]> {
    try {
      const coins = await this.#client.bank.allBalances(address);
      return coins.map((c) => ({ denom: c.denom, amount: c.amount }));
    } catch (cause) {
      throw queryError("/cosmos.bank.v1beta1.Query/AllBalances", cause);
    }
  }

  /** The authz grants `granter` gave `grantee`, for `msgTypeUrl` only when given. */
  async authzGrants(granter: string, grantee: string, msgTypeUrl = ""): Promise<AuthzGrantView[]> {
    const path = "/cosmos.authz.v1beta1.Query/Grants";
    const request = QueryGrantsRequest.encode(
      QueryGrantsRequest.fromPartial({ granter, grantee, msgTypeUrl }),
    ).finish();
    let answer: Uint8Array;
    try {
      answer = await this.abci(path, request);
    } catch (error) {
      // With a Msg type, the SDK answers "no authorization found" as an error rather than an empty list.
      if (error instanceof MemorializerError && /no authorization found|not found/i.test(error.log ?? error.message))
        return [];
      throw error;
    }
    const response = QueryGrantsResponse.decode(answer);
    return response.grants.map((grant) => {
      const type = grant.authorization?.typeUrl ?? "";
      const msg =
        type === "/cosmos.authz.v1beta1.GenericAuthorization" && grant.authorization !== undefined
          ? GenericAuthorization.decode(grant.authorization.value).msg
          : undefined;
      const expiration =
        grant.expiration === undefined
          ? undefined
          : new Date(Number(grant.expiration.seconds) * 1000 + Math.floor(grant.expiration.nanos / 1_000_000));
      return { authorizationType: type, msg, expiration };
    });
  }

  /** The raw ABCI query, for services this class does not wrap. */
  async abci(path: string, request: Uint8Array): Promise<Uint8Array> {
    try {
      return (await this.#client.queryAbci(path, request)).value;
    } catch (cause) {
      throw queryError(path, cause);
    }
  }
}
