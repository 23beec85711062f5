// The metadata module's Query service (provenance.metadata.v1.Query), answered from the store.
import { addressQueries } from "./address-queries.js";
import { entryQueries } from "./entry-queries.js";
import { locatorQueries } from "./locator-queries.js";
import { navAndParamsQueries } from "./nav-queries.js";
import type { QueryHandler } from "./query-common.js";
import { specQueries } from "./spec-queries.js";

/** ABCI query paths of the metadata Query service. */
export const metadataQueries: ReadonlyMap<string, QueryHandler> = new Map([
  ...navAndParamsQueries,
  ...entryQueries,
  ...specQueries,
  ...addressQueries,
  ...locatorQueries,
]);
