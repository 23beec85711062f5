// UUID ↔ MetadataAddress bech32, all six kinds.
import { MetadataAddress, type MetadataAddressKind } from "@p8e/spec-model";
import { CliError } from "./errors.js";

/** What `p8e address` reports about one address. */
export interface AddressInfo {
  readonly address: string;
  readonly kind: MetadataAddressKind;
  readonly uuid: string;
  /** The session's UUID, or the record's name hash (hex). */
  readonly secondary?: string;
  readonly hex: string;
}

const KINDS: Record<string, (uuid: string, second?: string) => MetadataAddress> = {
  scope: (uuid) => MetadataAddress.forScope(uuid),
  session: (uuid, session) => MetadataAddress.forSession(uuid, required(session, "session UUID")),
  record: (uuid, name) => MetadataAddress.forRecord(uuid, required(name, "record name")),
  scopespec: (uuid) => MetadataAddress.forScopeSpecification(uuid),
  contractspec: (uuid) => MetadataAddress.forContractSpecification(uuid),
  recspec: (uuid, name) => MetadataAddress.forRecordSpecification(uuid, required(name, "record name")),
};

/** The kinds `p8e address` builds from a UUID. */
export const ADDRESS_KINDS = Object.keys(KINDS);

/** Decodes a bech32 address, or builds one of `kind` from a UUID (and a session UUID or record name). */
export function addressInfo(value: string, kind?: string, second?: string): AddressInfo {
  let address: MetadataAddress;
  try {
    if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) {
      const build = KINDS[kind ?? "scope"];
      if (build === undefined) {
        throw new CliError("usage", `unknown kind "${kind}"; one of ${ADDRESS_KINDS.join(", ")}`);
      }
      address = build(value, second);
    } else {
      address = MetadataAddress.fromBech32(value);
    }
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(
      "usage",
      `"${value}" is neither a UUID nor a metadata address (scope1…, session1…, record1…, scopespec1…, contractspec1…, recspec1…): ${(error as Error).message}`,
    );
  }
  const secondary = address.kind === "session" ? address.secondaryUuid : address.nameHash;
  return {
    address: address.toString(),
    kind: address.kind,
    uuid: address.primaryUuid,
    ...(secondary === undefined
      ? {}
      : { secondary: typeof secondary === "string" ? secondary : Buffer.from(secondary).toString("hex") }),
    hex: Buffer.from(address.bytes).toString("hex"),
  };
}

function required(value: string | undefined, what: string): string {
  if (value === undefined) throw new CliError("usage", `this kind needs a ${what} after the UUID`);
  return value;
}
