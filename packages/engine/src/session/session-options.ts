import type { DescMessage, MessageInitShape, MessageShape } from "@bufbuild/protobuf";
import { create } from "@bufbuild/protobuf";
import type { ScopeView } from "@p8e/memorializer";
import type { ContractSpec, MetadataAddress } from "@p8e/spec-model";
import type { Participant } from "../parties.js";

/** A proposed input: a message with its schema, or its encoding with the message's full name. */
export type ProposedInput =
  | { readonly schema: DescMessage; readonly message: MessageShape<DescMessage> }
  | { readonly typeName: string; readonly bytes: Uint8Array };

/** A proposed input built from a schema and the message's fields. */
export function input<Desc extends DescMessage>(schema: Desc, init: MessageInitShape<Desc>): ProposedInput {
  return { schema, message: create(schema, init) as MessageShape<DescMessage> };
}

/** What a session is for and who takes part; packaging turns it into an envelope. */
export interface SessionOptions {
  /** The contract: its ContractSpec, or the spec's 16-byte hash (base64), loaded from the object store. */
  readonly spec: ContractSpec | string;
  /**
   * A new scope of this scope specification (UUID). Give this or `scope`.
   */
  readonly scopeSpecUuid?: string;
  /** The new scope's UUID; random unless given. Only with `scopeSpecUuid`. */
  readonly scopeUuid?: string;
  /** An existing scope: its address (read from the chain) or the chain's view of it. Give this or `scopeSpecUuid`. */
  readonly scope?: string | MetadataAddress | ScopeView;
  /** One participant per role of the contract, this party among them. */
  readonly participants: readonly Participant[];
  /** Proposed inputs by name, for the functions this party's roles invoke. */
  readonly inputs?: Readonly<Record<string, ProposedInput>>;
  /** Encryption keys of further readers, written to the scope's data access. */
  readonly dataAccess?: readonly Uint8Array[];
  /** The session's UUID; random unless given (an existing session's UUID updates it). */
  readonly sessionUuid?: string;
  /** The execution's UUID; random unless given. */
  readonly executionUuid?: string;
  /** When the execution expires; counterparties refuse it afterwards. None unless given. */
  readonly expiresAt?: Date;
  /** The contract's clock (`currentTime`) for this execution; now unless given. */
  readonly startTime?: Date;
}
