export * from "./gen/grpc/health/v1/health_pb.js";
export * from "./gen/p8e/eos/v1/eos_pb.js";
