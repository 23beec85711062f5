// The metadata module's Query service (provenance.metadata.v1.Query), answered from the store.
import { entryQueries } from "./entry-queries.js";
import type { QueryHandler } from "./query-common.js";
import { specQueries } from "./spec-queries.js";

/** ABCI query paths of the metadata Query service. */
export const metadataQueries: ReadonlyMap<string, QueryHandler> = new Map([...entryQueries, ...specQueries]);
