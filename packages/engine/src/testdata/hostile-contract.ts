// A contract whose functions each try something a contract must not do, or exhaust a limit. The
// sandbox tests bundle it and run one function at a time: each must end in a clean FAIL.
import { create } from "@bufbuild/protobuf";
import { type StringValue, StringValueSchema } from "@bufbuild/protobuf/wkt";
import * as p8e from "@p8e/contract-annotations";

const { PartyType } = p8e;

function text(value: string): StringValue {
  return create(StringValueSchema, { value });
}

function recurse(n: number): number {
  return recurse(n + 1) + 1;
}

type Loose = Record<string, unknown>;

@p8e.Participants([PartyType.OWNER])
@p8e.ScopeSpecification(["io.p8e.test.hostile"])
export class HostileContract extends p8e.P8eContract {
  static override readonly package = "io.p8e.test";

  @p8e.Function({ invokedBy: PartyType.OWNER })
  @p8e.Record("echo", StringValueSchema)
  echo(@p8e.Input("text", StringValueSchema) input: StringValue): StringValue {
    return text(`echo: ${input.value}`);
  }

  @p8e.Function({ invokedBy: PartyType.OWNER })
  @p8e.Record("time", StringValueSchema)
  time(@p8e.Input("text", StringValueSchema) _input: StringValue): StringValue {
    return text(this.currentTime.toISOString());
  }

  @p8e.Function({ invokedBy: PartyType.OWNER })
  @p8e.Record("loop", StringValueSchema)
  loop(@p8e.Input("text", StringValueSchema) input: StringValue): StringValue {
    let i = 0;
    while (input.value !== "never") i++;
    return text(String(i));
  }

  @p8e.Function({ invokedBy: PartyType.OWNER })
  @p8e.Record("allocate", StringValueSchema)
  allocate(@p8e.Input("text", StringValueSchema) input: StringValue): StringValue {
    const hoard: string[] = [];
    for (;;) hoard.push(input.value.repeat(1 << 16) + hoard.length);
  }

  @p8e.Function({ invokedBy: PartyType.OWNER })
  @p8e.Record("recurse", StringValueSchema)
  recurse(@p8e.Input("text", StringValueSchema) _input: StringValue): StringValue {
    return text(String(recurse(0)));
  }

  @p8e.Function({ invokedBy: PartyType.OWNER })
  @p8e.Record("clock", StringValueSchema)
  clock(@p8e.Input("text", StringValueSchema) _input: StringValue): StringValue {
    return text(String(Date.now()));
  }

  @p8e.Function({ invokedBy: PartyType.OWNER })
  @p8e.Record("newDate", StringValueSchema)
  newDate(@p8e.Input("text", StringValueSchema) _input: StringValue): StringValue {
    return text(new Date().toISOString());
  }

  @p8e.Function({ invokedBy: PartyType.OWNER })
  @p8e.Record("random", StringValueSchema)
  random(@p8e.Input("text", StringValueSchema) _input: StringValue): StringValue {
    return text(String(Math.random()));
  }

  @p8e.Function({ invokedBy: PartyType.OWNER })
  @p8e.Record("cryptoRandom", StringValueSchema)
  cryptoRandom(@p8e.Input("text", StringValueSchema) _input: StringValue): StringValue {
    const crypto = (globalThis as unknown as { crypto: { getRandomValues(a: Uint8Array): Uint8Array } }).crypto;
    return text(String(crypto.getRandomValues(new Uint8Array(4))));
  }

  @p8e.Function({ invokedBy: PartyType.OWNER })
  @p8e.Record("host", StringValueSchema)
  host(@p8e.Input("text", StringValueSchema) _input: StringValue): StringValue {
    // Every way to the host's globals a Node.js contract might try.
    const g = Function("return this")() as Loose;
    const found = ["process", "require", "module", "Buffer", "fetch", "setTimeout", "WebAssembly", "std", "os"].filter(
      (name) => g[name] !== undefined || (globalThis as unknown as Loose)[name] !== undefined,
    );
    const constructorGlobal = {}.constructor.constructor("return typeof process")() as string;
    if (found.length > 0 || constructorGlobal !== "undefined") throw new Error(`reached ${found.join(", ")}`);
    throw new Error("no host globals");
  }

  @p8e.Function({ invokedBy: PartyType.OWNER })
  @p8e.Record("pollute", StringValueSchema)
  pollute(@p8e.Input("text", StringValueSchema) _input: StringValue): StringValue {
    (Object.prototype as Loose).polluted = "yes";
    return text("polluted");
  }

  @p8e.Function({ invokedBy: PartyType.OWNER })
  @p8e.Record("weakRef", StringValueSchema)
  weakRef(@p8e.Input("text", StringValueSchema) _input: StringValue): StringValue {
    const g = globalThis as unknown as Loose;
    return text(`${typeof g.WeakRef} ${typeof g.FinalizationRegistry}`);
  }

  @p8e.Function({ invokedBy: PartyType.OWNER })
  @p8e.Record("huge", StringValueSchema)
  huge(@p8e.Input("text", StringValueSchema) _input: StringValue): StringValue {
    return text("x".repeat(5 * 1024 * 1024));
  }

  @p8e.Function({ invokedBy: PartyType.OWNER })
  @p8e.Record("remember", StringValueSchema)
  remember(@p8e.Input("text", StringValueSchema) _input: StringValue): StringValue {
    // State an earlier execution left behind would make parties disagree; there must be none.
    const g = globalThis as unknown as { executions?: number };
    g.executions = (g.executions ?? 0) + 1;
    return text(`execution ${g.executions}`);
  }

  @p8e.Function({ invokedBy: PartyType.OWNER })
  @p8e.Record("notMessage", StringValueSchema)
  notMessage(@p8e.Input("text", StringValueSchema) _input: StringValue): StringValue {
    return { value: "plain object" } as StringValue;
  }
}

/** The scope specification hostile contracts run in. */
@p8e.ScopeSpecificationDefinition({
  uuid: "5c6f1d0e-2b8a-4f3e-9d1c-7a2b3c4d5e6f",
  name: "io.p8e.test.hostile",
  description: "Scopes for contracts that misbehave.",
  partiesInvolved: [PartyType.OWNER],
})
export class HostileScopeSpecification extends p8e.P8eScopeSpecification {}
