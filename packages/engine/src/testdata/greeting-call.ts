import { create, toBinary } from "@bufbuild/protobuf";
import { StringValueSchema, type Timestamp } from "@bufbuild/protobuf/wkt";
import { type SandboxCall, SandboxCallSchema } from "@p8e/spec-model/engine";

/** A sandbox call of GreetingContract.greet with the name `value`. */
export function greetingCall(value: string, startTime: Timestamp): SandboxCall {
  return create(SandboxCallSchema, {
    contractName: "GreetingContract",
    startTime,
    functions: [
      {
        name: "greet",
        outputTypeName: StringValueSchema.typeName,
        arguments: [
          {
            name: "name",
            typeName: StringValueSchema.typeName,
            present: true,
            values: [toBinary(StringValueSchema, create(StringValueSchema, { value }))],
          },
        ],
      },
    ],
  });
}
