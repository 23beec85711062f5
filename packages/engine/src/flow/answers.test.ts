// The invoker's side against answers it must not merge, and the counterparty's against mail it
// must not act on: each is refused and recorded, and the flow goes on to complete with the real answer.
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { StringValueSchema } from "@bufbuild/protobuf/wkt";
import { PartyType } from "@p8e/contract-annotations";
import { createEosClient } from "@p8e/eos-client";
import { generateKeyPair } from "@p8e/hashing-crypto";
import { EnvelopeSchema } from "@p8e/spec-model";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signContract } from "../execution/signatures.js";
import { input } from "../session/session-options.js";
import { dealScopeSpecUuid } from "../testdata/deal-contracts.js";
import { dealEnvironment } from "../testdata/deal-environment.js";
import { eventually } from "../testdata/eventually.js";
import type { PublishedContract, TestEnvironment } from "../testing/index.js";
import type { EnvelopeState } from "./party.js";

let env: TestEnvironment;
let deal: PublishedContract;

beforeAll(async () => {
  ({ env, deal } = await dealEnvironment());
}, 60_000);

afterAll(async () => {
  await env?.close();
});

async function status(party: string, executionUuid: string, wanted: string): Promise<EnvelopeState> {
  return eventually(async () => {
    const state = await env.party(party).flow.get(executionUuid);
    return state?.status === wanted ? state : undefined;
  }, `${party}'s ${executionUuid} to be ${wanted}`);
}

async function answersCount(executionUuid: string, count: number) {
  return eventually(async () => {
    const answers = await env.party("originator").flow.answers(executionUuid);
    return answers.length >= count ? answers : undefined;
  }, `${count} answers`);
}

async function invokeHeld(value: string): Promise<EnvelopeState> {
  const originator = env.party("originator");
  const state = await originator.flow.invoke({
    spec: deal.specHash,
    scopeSpecUuid: dealScopeSpecUuid,
    participants: [originator.participant(PartyType.ORIGINATOR), env.party("servicer").participant(PartyType.SERVICER)],
    inputs: { deal: input(StringValueSchema, { value }) },
  });
  await status("servicer", state.executionUuid, "INBOX");
  return state;
}

/** An answer as the servicer's engine makes it, without going through its flow. */
async function servicerAnswer(state: EnvelopeState) {
  const result = await env.party("servicer").engine.execute(state.input);
  return result.envelope;
}

async function sendAnswer(from: "servicer" | "originator", envelope: Uint8Array) {
  await env.party(from).eos.sendMail(envelope, {
    type: "FRAGMENT_RESPONSE",
    to: [env.party("originator").keys.encryption.publicKey],
  });
}

describe("Party answers", { timeout: 60_000 }, () => {
  it("refuses a forged signature, altered contract bytes and an answer sent by someone else, then merges the real one", async () => {
    const state = await invokeHeld("600 at 4%");
    const servicer = env.party("servicer");
    const originatorKey = env.party("originator").keys.encryption.publicKey;

    // A signature that does not verify.
    const forged = await servicerAnswer(state);
    const bad = Buffer.from(forged.signatures[0]!.signature, "base64");
    bad[bad.length - 2] = (bad[bad.length - 2] ?? 0) ^ 0xff;
    forged.signatures[0]!.signature = bad.toString("base64");
    await sendAnswer("servicer", toBinary(EnvelopeSchema, forged));

    // Contract bytes that are not the invoker's, properly signed.
    const altered = await servicerAnswer(state);
    altered.contract!.considerations[0]!.result!.output!.hash = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    altered.signatures = [signContract(altered.contract!, servicer.keys.signing, servicer.keys.encryption.publicKey)];
    await sendAnswer("servicer", toBinary(EnvelopeSchema, altered));

    // The servicer's genuine signature, mailed by a stranger.
    const stranger = createEosClient({
      baseUrl: env.party("originator").eosServer.url,
      keys: { encryption: generateKeyPair() },
    });
    try {
      await stranger.sendMail(toBinary(EnvelopeSchema, await servicerAnswer(state)), {
        type: "FRAGMENT_RESPONSE",
        to: [originatorKey],
      });
    } finally {
      stranger.close();
    }

    const refused = await answersCount(state.executionUuid, 3);
    expect(refused.map((a) => [a.accepted, a.reason])).toEqual([
      [false, `the signature by ${servicer.address} does not verify over the contract`],
      [false, "the answer's contract differs from the executed contract"],
      [false, `the answer signed by ${servicer.address} was not sent by that party's key`],
    ]);
    expect((await env.party("originator").flow.get(state.executionUuid))?.status).toBe("FRAGMENT");

    await servicer.flow.approve(state.executionUuid);
    await status("originator", state.executionUuid, "COMPLETE");
    expect((await env.party("originator").flow.answers(state.executionUuid)).at(-1)).toMatchObject({ accepted: true });
  });

  it("refuses a replayed answer and handles a duplicate request after completion, writing nothing again", async () => {
    const state = await invokeHeld("700 at 6%");
    const servicer = env.party("servicer");
    await servicer.flow.approve(state.executionUuid);
    const done = await status("originator", state.executionUuid, "COMPLETE");
    const answered = (await servicer.flow.get(state.executionUuid))!;
    // The store keeps one object per (hash, owner, audience), so identical mail is never delivered
    // twice; a replay reaches the invoker only with another audience, as an attacker would send it.
    const extra = generateKeyPair().publicKey;
    await servicer.eos.sendMail(toBinary(EnvelopeSchema, answered.result!), {
      type: "FRAGMENT_RESPONSE",
      to: [env.party("originator").keys.encryption.publicKey, extra],
    });
    const answers = await answersCount(state.executionUuid, 2);
    expect(answers.map((a) => [a.accepted, a.reason])).toEqual([
      [true, "merged"],
      [false, "the envelope is COMPLETE; answers are no longer taken"],
    ]);

    // The same request delivered again: the servicer answers as before and changes nothing.
    await env.party("originator").eos.sendMail(toBinary(EnvelopeSchema, state.input), {
      type: "FRAGMENT_REQUEST",
      to: [servicer.keys.encryption.publicKey, extra],
    });
    await eventually(
      async () => ((await servicer.eos.fetchMail(10)).length === 0 ? true : undefined),
      "the servicer to take its mail",
    );
    const after = (await servicer.flow.get(state.executionUuid))!;
    expect([after.status === "OUTBOX" || after.status === "COMPLETE", after.txHashes]).toEqual([
      true,
      answered.txHashes,
    ]);
    expect((await env.party("originator").flow.get(state.executionUuid))?.txHashes).toEqual(done.txHashes);
  });

  it("sets a malformed request aside and handles the good ones beside it", async () => {
    const originator = env.party("originator");
    const servicerKey = env.party("servicer").keys.encryption.publicKey;
    await originator.eos.sendMail(new Uint8Array([0xff, 0xff, 0xff]), { type: "FRAGMENT_REQUEST", to: [servicerKey] });
    const state = await invokeHeld("800 at 7%");
    expect(fromBinary(EnvelopeSchema, toBinary(EnvelopeSchema, state.input)).executionUuid?.value).toBe(
      state.executionUuid,
    );
    const dead = await eventually(async () => {
      const items = await env.party("servicer").eos.deadMail();
      return items.length > 0 ? items : undefined;
    }, "the malformed request to be set aside");
    expect(dead[0]!.reason).toBe("FRAGMENT_REQUEST is not an Envelope");
  });
});
