import * as grpc from "@grpc/grpc-js";
import { type HealthCheckResponse, healthServiceDefinition } from "@pms/billing-api";

const Health = grpc.makeGenericClientConstructor(healthServiceDefinition, "Health");

/** Calls `grpc.health.v1.Health/Check` once on a fresh channel. */
export function healthCheck(address: string, service = ""): Promise<HealthCheckResponse> {
  const client = new Health(address, grpc.credentials.createInsecure());
  const { check } = healthServiceDefinition;
  return new Promise<HealthCheckResponse>((resolve, reject) => {
    client.makeUnaryRequest(
      check.path,
      check.requestSerialize,
      check.responseDeserialize,
      { service },
      new grpc.Metadata(),
      { deadline: Date.now() + 5000 },
      (error, response) => error || !response ? reject(error) : resolve(response),
    );
  }).finally(() => client.close());
}

/** Opens `grpc.health.v1.Health/Watch`: statuses received so far, and how the stream ended. */
export function healthWatch(address: string, service = "") {
  const client = new Health(address, grpc.credentials.createInsecure());
  const { watch } = healthServiceDefinition;
  const statuses: string[] = [];
  const stream = client.makeServerStreamRequest(
    watch.path,
    watch.requestSerialize,
    watch.responseDeserialize,
    { service },
    new grpc.Metadata(),
    {},
  );
  let onData: () => void = () => {};
  stream.on("data", (message: HealthCheckResponse) => {
    statuses.push(message.status);
    onData();
  });
  const ended = new Promise<grpc.StatusObject>((resolve) => {
    stream.on("status", resolve);
    stream.on("error", () => {});
  }).finally(() => client.close());
  return {
    statuses,
    /** Resolves once `count` statuses have arrived. */
    received(count: number): Promise<void> {
      return new Promise((resolve) => {
        onData = () => statuses.length >= count && resolve();
        onData();
      });
    },
    ended,
    cancel: () => stream.cancel(),
  };
}
