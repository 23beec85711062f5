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
import { publishableOnboarding } from "./bundle.js";

interface Golden {
  readonly bundleHash: string;
  readonly specHex: string;
  readonly specId: { readonly hashBase64: string; readonly uuid: string; readonly address: string };
}

const golden = JSON.parse(await readFile(new URL("./testdata/spec.json", import.meta.url), "utf8")) as Golden;

const { bundle, spec } = await publishableOnboarding();

describe("publishableOnboarding()", () => {
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

  it("lays the spec out as upstream dehydrates OnboardingContract", () => {
    const hash = bundle.hash;
    const def = (name: string, classname: string, type: DefinitionSpec_Type, optional = false) =>
      create(DefinitionSpecSchema, {
        name,
        resourceLocation: create(LocationSchema, { ref: create(ProvenanceReferenceSchema, { hash }), classname }),
        type,
        optional,
      });
    const { FACT, PROPOSED } = DefinitionSpec_Type;
    const application = "io.p8e.examples.onboarding.LoanApplication";
    const servicing = "io.p8e.examples.onboarding.ServicingTerms";
    const fn = (
      funcName: string,
      invoker: PartyType,
      inputs: ReturnType<typeof def>[],
      output: ReturnType<typeof def>,
    ) =>
      create(FunctionSpecSchema, {
        funcName,
        inputSpecs: inputs,
        outputSpec: create(OutputSpecSchema, { spec: output }),
        invokerParty: invoker,
      });
    const expected = create(ContractSpecSchema, {
      definition: def("OnboardingContract", "io.p8e.examples.onboarding.OnboardingContract", FACT),
      inputSpecs: [def("application", application, FACT, true), def("servicing", servicing, FACT, true)],
      partiesInvolved: [PartyType.ORIGINATOR, PartyType.SERVICER],
      functionSpecs: [
        fn(
          "apply",
          PartyType.ORIGINATOR,
          [def("application", application, PROPOSED)],
          def("application", application, PROPOSED),
        ),
        fn(
          "acceptServicing",
          PartyType.SERVICER,
          [def("application", application, FACT), def("terms", servicing, PROPOSED)],
          def("servicing", servicing, PROPOSED),
        ),
        fn(
          "board",
          PartyType.ORIGINATOR,
          [
            def("application", application, FACT),
            def("servicing", servicing, FACT),
            def("funding", "io.p8e.examples.onboarding.Funding", PROPOSED),
          ],
          def("boarding", "io.p8e.examples.onboarding.Boarding", PROPOSED),
        ),
      ],
    });
    expect(equals(ContractSpecSchema, spec, expected)).toBe(true);
  });
});
