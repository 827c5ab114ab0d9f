import type * as grpc from "@grpc/grpc-js";
import { loadServiceDefinition } from "./_proto_service.ts";

/** `HealthCheckResponse.ServingStatus`, by name. */
export type HealthStatus = "UNKNOWN" | "SERVING" | "NOT_SERVING" | "SERVICE_UNKNOWN";

/** `HealthCheckRequest`: `""` asks about the whole server. */
export interface HealthCheckRequest {
  service: string;
}

/** `HealthCheckResponse`. */
export interface HealthCheckResponse {
  status: HealthStatus;
}

/** `HealthListResponse`. */
export interface HealthListResponse {
  statuses: Record<string, HealthCheckResponse>;
}

/** The gRPC service definition of the standard `grpc.health.v1.Health`. */
export interface HealthServiceDefinition extends grpc.ServiceDefinition {
  /** `/grpc.health.v1.Health/Check`. */
  check: grpc.MethodDefinition<HealthCheckRequest, HealthCheckResponse>;
  /** `/grpc.health.v1.Health/Watch` (server streaming). */
  watch: grpc.MethodDefinition<HealthCheckRequest, HealthCheckResponse>;
  /** `/grpc.health.v1.Health/List`. */
  list: grpc.MethodDefinition<Record<string, never>, HealthListResponse>;
}

/** What a server implements for {@linkcode healthServiceDefinition}. */
export interface HealthServiceHandlers extends grpc.UntypedServiceImplementation {
  check: grpc.handleUnaryCall<HealthCheckRequest, HealthCheckResponse>;
  watch: grpc.handleServerStreamingCall<HealthCheckRequest, HealthCheckResponse>;
  list: grpc.handleUnaryCall<Record<string, never>, HealthListResponse>;
}

/** The standard health-checking proto, vendored unchanged from grpc/grpc-proto. */
export const HEALTH_PROTO_PATH: string =
  new URL("../../proto/grpc/health/v1/health.proto", import.meta.url).pathname;

/**
 * The standard gRPC health-checking service (`grpc.health.v1.Health`: `Check`, `Watch`, `List`)
 * built from the vendored `proto/grpc/health/v1/health.proto` with protobufjs. Statuses are
 * their enum names (`"SERVING"`).
 */
export const healthServiceDefinition: HealthServiceDefinition = loadServiceDefinition(
  HEALTH_PROTO_PATH,
  "grpc.health.v1.Health",
) as HealthServiceDefinition;
