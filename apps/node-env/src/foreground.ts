// Running an environment in the foreground of a process (p8e-node-env, `p8e env up`): what it says
// once ready, and stopping it on SIGINT/SIGTERM.
import type { NodeEnv } from "./node-env.js";

/** The lines an environment's process prints once it is ready. */
export function describeNodeEnv(env: NodeEnv, title = "p8e node-env ready"): string {
  return [
    title,
    `  party    ${env.address}`,
    `  api      ${env.apiUrl}   (health ${env.apiUrl}/healthz, metrics ${env.apiUrl}/metrics)`,
    `  eos      ${env.eosUrl}`,
    `  chain    ${env.rpcUrl} (${env.chainId})`,
    `  data     ${env.config.dataDir}`,
  ].join("\n");
}

/**
 * Resolves once SIGINT or SIGTERM has stopped `env` (in-flight work finishes first, up to the
 * shutdown timeout); a second signal exits the process at once with 130. `say` reports each step.
 */
export function closeOnSignals(env: NodeEnv, say: (line: string) => void, name = "p8e-node-env"): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        say(`${name}: ${signal} again, exiting now`);
        process.exit(130);
      }
      stopping = true;
      say(`\n${signal}: stopping (in-flight work finishes first)…`);
      env.close().then(() => {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        resolve();
      }, reject);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
