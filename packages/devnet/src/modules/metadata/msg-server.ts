// The metadata module's Msg service: every write and delete endpoint the devnet executes. The
// endpoints live by subsystem: scope-msgs.ts, value-owner-msgs.ts, entry-msgs.ts (sessions and
// records) and spec-msgs.ts.
import type { MsgHandler } from "../../router.js";
import { deleteRecordHandler, writeRecordHandler, writeSessionHandler } from "./entry-msgs.js";
import {
  addScopeDataAccessHandler,
  addScopeOwnerHandler,
  deleteScopeDataAccessHandler,
  deleteScopeHandler,
  deleteScopeOwnerHandler,
  writeScopeHandler,
} from "./scope-msgs.js";
import {
  addContractSpecToScopeSpecHandler,
  deleteContractSpecFromScopeSpecHandler,
  deleteContractSpecificationHandler,
  deleteRecordSpecificationHandler,
  deleteScopeSpecificationHandler,
  writeContractSpecificationHandler,
  writeRecordSpecificationHandler,
  writeScopeSpecificationHandler,
} from "./spec-msgs.js";
import { migrateValueOwnerHandler, updateValueOwnersHandler } from "./value-owner-msgs.js";

/** Every metadata Msg handler. */
export const metadataHandlers: readonly MsgHandler<unknown>[] = [
  writeScopeHandler,
  deleteScopeHandler,
  addScopeDataAccessHandler,
  deleteScopeDataAccessHandler,
  addScopeOwnerHandler,
  deleteScopeOwnerHandler,
  updateValueOwnersHandler,
  migrateValueOwnerHandler,
  writeSessionHandler,
  writeRecordHandler,
  deleteRecordHandler,
  writeScopeSpecificationHandler,
  deleteScopeSpecificationHandler,
  writeContractSpecificationHandler,
  deleteContractSpecificationHandler,
  addContractSpecToScopeSpecHandler,
  deleteContractSpecFromScopeSpecHandler,
  writeRecordSpecificationHandler,
  deleteRecordSpecificationHandler,
] as unknown as readonly MsgHandler<unknown>[];
