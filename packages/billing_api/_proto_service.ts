import type * as grpc from "@grpc/grpc-js";
import { Buffer } from "node:buffer";
import protobuf from "protobufjs";

const lowerFirst = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);

/**
 * A `@grpc/grpc-js` service definition for one service of a `.proto` file, with protobufjs
 * encode and decode as the serializers. Methods are keyed by their lowerCamel name
 * (`createBillingAccount`); `originalName` keeps the proto's. Fields keep their proto names,
 * decoded messages carry defaults ("" for an absent string, [] for an absent repeated field),
 * enums are their names and 64-bit integers are JS numbers (exact up to 2^53 − 1, which money in
 * minor units stays far below), never `Long` objects or strings.
 */
export function loadServiceDefinition(
  protoPath: string,
  serviceName: string,
): grpc.ServiceDefinition {
  const root = new protobuf.Root().loadSync(protoPath, { keepCase: true });
  const service = root.lookupService(serviceName);
  // Without a proto package the path is /BillingService/CreateBillingAccount, as in the reference.
  const servicePath = service.fullName.replace(/^\./, "");
  const serialize = (type: protobuf.Type) => (value: unknown): Buffer => {
    const bytes = type.encode(type.fromObject(value as Record<string, unknown>)).finish();
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  };
  const deserialize = (type: protobuf.Type) => (bytes: Buffer): unknown =>
    type.toObject(type.decode(bytes), { defaults: true, enums: String, longs: Number });
  const definition: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const method of service.methodsArray) {
    const requestType = root.lookupType(method.requestType);
    const responseType = root.lookupType(method.responseType);
    definition[lowerFirst(method.name)] = {
      path: `/${servicePath}/${method.name}`,
      originalName: method.name,
      requestStream: method.requestStream ?? false,
      responseStream: method.responseStream ?? false,
      requestSerialize: serialize(requestType),
      requestDeserialize: deserialize(requestType),
      responseSerialize: serialize(responseType),
      responseDeserialize: deserialize(responseType),
    };
  }
  return definition;
}
