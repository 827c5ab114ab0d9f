import { shapes } from "./shapes.ts";

/**
 * What a back service with a database that verifies tokens reads first, to spread into a
 * `loadConfig` shape: {@linkcode shapes.server} at `port`, {@linkcode shapes.database} and
 * {@linkcode shapes.tokens} from `jwksUrl`.
 */
export function backServiceShape(port: number, jwksUrl: string) {
  return { ...shapes.server(port), ...shapes.database(), ...shapes.tokens(jwksUrl) };
}
