import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { create, equals } from "@bufbuild/protobuf";
import {
  ContractSpecSchema,
  contractSpecId,
  DefinitionSpec_Type,
  DefinitionSpecSchema,
  FunctionSpecSchema,
  LocationSchema,
  OutputSpecSchema,
  PartyType,
  ProvenanceReferenceSchema,
  toCanonicalBinary,
} from "@p8e/spec-model";
import { describe, expect, it } from "vitest";
import { publishableHelloWorld } from "./bundle.js";

interface Golden {
  readonly bundleHash: string;
  readonly specHex: string;
  readonly specId: { readonly hashBase64: string; readonly uuid: string; readonly address: string };
}

const golden = JSON.parse(await readFile(new URL("./testdata/spec.json", import.meta.url), "utf8")) as Golden;

const { bundle, spec } = await publishableHelloWorld();

describe("publishableHelloWorld()", () => {
  it("reproduces the committed bundle hash", () => {
    expect(bundle.hash).toBe(golden.bundleHash);
  });

  it("reproduces the committed spec bytes and spec id", () => {
    const bytes = toCanonicalBinary(ContractSpecSchema, spec);
    expect(Buffer.from(bytes).toString("hex")).toBe(golden.specHex);
    const id = contractSpecId(spec);
    expect({ hashBase64: id.hashBase64, uuid: id.uuid, address: id.address.toString() }).toEqual(golden.specId);
    const independent = createHash("sha256").update(bytes).digest().subarray(0, 16);
    expect(Buffer.from(independent).toString("base64")).toBe(golden.specId.hashBase64);
  });

  it("lays the spec out as upstream's dehydration of HelloWorldContract", () => {
    const location = (classname: string) =>
      create(LocationSchema, { ref: create(ProvenanceReferenceSchema, { hash: bundle.hash }), classname });
    const expected = create(ContractSpecSchema, {
      definition: create(DefinitionSpecSchema, {
        name: "HelloWorldContract",
        resourceLocation: location("io.p8e.contracts.examplekotlin.HelloWorldContract"),
        type: DefinitionSpec_Type.FACT,
      }),
      partiesInvolved: [PartyType.OWNER],
      functionSpecs: [
        create(FunctionSpecSchema, {
          funcName: "name",
          inputSpecs: [
            create(DefinitionSpecSchema, {
              name: "name",
              resourceLocation: location("io.p8e.proto.example.ExampleName"),
              type: DefinitionSpec_Type.PROPOSED,
            }),
          ],
          outputSpec: create(OutputSpecSchema, {
            spec: create(DefinitionSpecSchema, {
              name: "name",
              resourceLocation: location("io.p8e.proto.example.ExampleName"),
              type: DefinitionSpec_Type.PROPOSED,
            }),
          }),
          invokerParty: PartyType.OWNER,
        }),
      ],
    });
    expect(equals(ContractSpecSchema, spec, expected)).toBe(true);
  });
});
