// Where the bundler starts for each test contract (kept apart: a contract bundle must not hold them).

export const greetingEntry = new URL("./greeting-contract.ts", import.meta.url);
export const hostileEntry = new URL("./hostile-contract.ts", import.meta.url);
export const clockEntry = new URL("./clock-contract.ts", import.meta.url);
export const moduleLoadingEntry = new URL("./module-loading-contract.ts", import.meta.url);
export const tallyEntry = new URL("./tally-contract.ts", import.meta.url);
export const dealEntry = new URL("./deal-contracts.ts", import.meta.url);
export const notesEntry = new URL("./notes-contract.ts", import.meta.url);
