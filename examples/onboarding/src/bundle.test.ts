import { cp, mkdir, mkdtemp, rm, rmdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { create, equals } from "@bufbuild/protobuf";
import { dehydrate, isContractClass, setExecutionTime } from "@p8e/contract-annotations";
import { bundleContract } from "@p8e/contract-annotations/bundle";
import { ContractSpecSchema } from "@p8e/spec-model";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleOnboarding } from "./bundle.js";
import { BoardingSchema, OnboardingContract } from "./index.js";

const packageRoot = fileURLToPath(new URL("..", import.meta.url));
const sources = ["package.json", "src/contract.ts", "src/gen"];
let temp: string;

beforeAll(async () => {
  temp = await mkdtemp(join(tmpdir(), "p8e-onboarding-"));
});
afterAll(async () => {
  await rm(temp, { recursive: true, force: true });
});

async function copySources(to: string): Promise<string> {
  for (const source of sources) await cp(join(packageRoot, source), join(to, source), { recursive: true });
  return join(to, "src/contract.ts");
}

describe("bundleOnboarding()", () => {
  it("gives the same bytes and hash for the same sources in two other folders", async () => {
    const here = await bundleOnboarding();
    const a = await bundleContract(await copySources(join(temp, "a")));
    const b = await bundleContract(await copySources(join(temp, "b", "somewhere", "deeper")));
    expect(a.code).toEqual(here.code);
    expect(b.code).toEqual(here.code);
    expect([a.hash, b.hash]).toEqual([here.hash, here.hash]);
    expect(here.modules).toEqual(["src/contract.ts", "src/gen/io/p8e/examples/onboarding/onboarding_pb.ts"]);
    expect(here.hostImports).toEqual([
      "@bufbuild/protobuf",
      "@bufbuild/protobuf/codegenv2",
      "@bufbuild/protobuf/wkt",
      "@p8e/contract-annotations",
    ]);
  });

  it("holds a contract that behaves and dehydrates as the source does", async () => {
    const bundle = await bundleOnboarding();
    // Loaded from inside the package so its host imports resolve to the same modules as ours.
    const dir = join(packageRoot, ".tmp", `bundle-${process.pid}-${Date.now()}`);
    await mkdir(dir, { recursive: true });
    try {
      const file = join(dir, "contract.mjs");
      await writeFile(file, bundle.code);
      const loaded = (await import(pathToFileURL(file).href)) as typeof import("./contract.js");
      expect(loaded.OnboardingContract).not.toBe(OnboardingContract);
      expect(isContractClass(loaded.OnboardingContract)).toBe(true);
      const specFromBundle = dehydrate(loaded.OnboardingContract, { bundleHash: bundle.hash });
      const specFromSource = dehydrate(OnboardingContract, { bundleHash: bundle.hash });
      expect(equals(ContractSpecSchema, specFromBundle, specFromSource)).toBe(true);
      const application = create(loaded.LoanApplicationSchema, {
        loanId: "L-9",
        borrowerName: "Grace Hopper",
        amountMinor: 1000n,
        currency: "EUR",
      });
      const servicing = create(loaded.ServicingTermsSchema, { loanId: "L-9", servicerName: "S", feeBasisPoints: 10 });
      const funding = create(loaded.FundingSchema, { loanId: "L-9", amountMinor: 900n });
      const board = (contract: OnboardingContract) => {
        setExecutionTime(contract, new Date("2025-06-01T00:00:00Z"));
        return contract.board(application, servicing, funding);
      };
      const fromBundle = board(new loaded.OnboardingContract(application, servicing));
      expect(equals(BoardingSchema, fromBundle, board(new OnboardingContract(application, servicing)))).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
      await rmdir(join(packageRoot, ".tmp")).catch(() => undefined);
    }
  });
});
