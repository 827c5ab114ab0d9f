import type { ServiceConfig, ServiceManifest } from "./service_manifest.ts";

/** Types a manifest: an identity function, so its config and deps types are inferred once. */
export function defineService<C extends ServiceConfig, D>(
  manifest: ServiceManifest<C, D>,
): ServiceManifest<C, D> {
  return manifest;
}
