/** The Cosmos type URL of every metadata Msg request this package builds or registers. */
export const metadataTypeUrls = {
  writeScope: "/provenance.metadata.v1.MsgWriteScopeRequest",
  deleteScope: "/provenance.metadata.v1.MsgDeleteScopeRequest",
  addScopeDataAccess: "/provenance.metadata.v1.MsgAddScopeDataAccessRequest",
  deleteScopeDataAccess: "/provenance.metadata.v1.MsgDeleteScopeDataAccessRequest",
  addScopeOwner: "/provenance.metadata.v1.MsgAddScopeOwnerRequest",
  deleteScopeOwner: "/provenance.metadata.v1.MsgDeleteScopeOwnerRequest",
  writeSession: "/provenance.metadata.v1.MsgWriteSessionRequest",
  writeRecord: "/provenance.metadata.v1.MsgWriteRecordRequest",
  deleteRecord: "/provenance.metadata.v1.MsgDeleteRecordRequest",
  writeScopeSpecification: "/provenance.metadata.v1.MsgWriteScopeSpecificationRequest",
  deleteScopeSpecification: "/provenance.metadata.v1.MsgDeleteScopeSpecificationRequest",
  writeContractSpecification: "/provenance.metadata.v1.MsgWriteContractSpecificationRequest",
  deleteContractSpecification: "/provenance.metadata.v1.MsgDeleteContractSpecificationRequest",
  addContractSpecToScopeSpec: "/provenance.metadata.v1.MsgAddContractSpecToScopeSpecRequest",
  deleteContractSpecFromScopeSpec: "/provenance.metadata.v1.MsgDeleteContractSpecFromScopeSpecRequest",
  writeRecordSpecification: "/provenance.metadata.v1.MsgWriteRecordSpecificationRequest",
  deleteRecordSpecification: "/provenance.metadata.v1.MsgDeleteRecordSpecificationRequest",
} as const;

/** The Cosmos type URLs of the authz Msgs and authorization that multi-party writes use. */
export const authzTypeUrls = {
  grant: "/cosmos.authz.v1beta1.MsgGrant",
  revoke: "/cosmos.authz.v1beta1.MsgRevoke",
  genericAuthorization: "/cosmos.authz.v1beta1.GenericAuthorization",
} as const;
