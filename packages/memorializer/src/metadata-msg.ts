import type {
  MsgAddContractSpecToScopeSpecRequest,
  MsgAddScopeDataAccessRequest,
  MsgAddScopeOwnerRequest,
  MsgDeleteContractSpecFromScopeSpecRequest,
  MsgDeleteContractSpecificationRequest,
  MsgDeleteRecordRequest,
  MsgDeleteRecordSpecificationRequest,
  MsgDeleteScopeDataAccessRequest,
  MsgDeleteScopeOwnerRequest,
  MsgDeleteScopeRequest,
  MsgDeleteScopeSpecificationRequest,
  MsgWriteContractSpecificationRequest,
  MsgWriteRecordRequest,
  MsgWriteRecordSpecificationRequest,
  MsgWriteScopeRequest,
  MsgWriteScopeSpecificationRequest,
  MsgWriteSessionRequest,
} from "@p8e/spec-model/metadata";

/** Each metadata Msg type URL and the protobuf-es message it carries. */
export interface MetadataMsgTypes {
  "/provenance.metadata.v1.MsgWriteScopeRequest": MsgWriteScopeRequest;
  "/provenance.metadata.v1.MsgDeleteScopeRequest": MsgDeleteScopeRequest;
  "/provenance.metadata.v1.MsgAddScopeDataAccessRequest": MsgAddScopeDataAccessRequest;
  "/provenance.metadata.v1.MsgDeleteScopeDataAccessRequest": MsgDeleteScopeDataAccessRequest;
  "/provenance.metadata.v1.MsgAddScopeOwnerRequest": MsgAddScopeOwnerRequest;
  "/provenance.metadata.v1.MsgDeleteScopeOwnerRequest": MsgDeleteScopeOwnerRequest;
  "/provenance.metadata.v1.MsgWriteSessionRequest": MsgWriteSessionRequest;
  "/provenance.metadata.v1.MsgWriteRecordRequest": MsgWriteRecordRequest;
  "/provenance.metadata.v1.MsgDeleteRecordRequest": MsgDeleteRecordRequest;
  "/provenance.metadata.v1.MsgWriteScopeSpecificationRequest": MsgWriteScopeSpecificationRequest;
  "/provenance.metadata.v1.MsgDeleteScopeSpecificationRequest": MsgDeleteScopeSpecificationRequest;
  "/provenance.metadata.v1.MsgWriteContractSpecificationRequest": MsgWriteContractSpecificationRequest;
  "/provenance.metadata.v1.MsgDeleteContractSpecificationRequest": MsgDeleteContractSpecificationRequest;
  "/provenance.metadata.v1.MsgAddContractSpecToScopeSpecRequest": MsgAddContractSpecToScopeSpecRequest;
  "/provenance.metadata.v1.MsgDeleteContractSpecFromScopeSpecRequest": MsgDeleteContractSpecFromScopeSpecRequest;
  "/provenance.metadata.v1.MsgWriteRecordSpecificationRequest": MsgWriteRecordSpecificationRequest;
  "/provenance.metadata.v1.MsgDeleteRecordSpecificationRequest": MsgDeleteRecordSpecificationRequest;
}

/**
 * A metadata Msg ready for a CosmJS transaction: its type URL and the typed request. It is a
 * CosmJS `EncodeObject`, so it goes straight into `Registry.encode` or `signAndBroadcast`.
 */
export type MetadataMsg = {
  [TypeUrl in keyof MetadataMsgTypes]: { readonly typeUrl: TypeUrl; readonly value: MetadataMsgTypes[TypeUrl] };
}[keyof MetadataMsgTypes];
