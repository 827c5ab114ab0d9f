import { getAbsoluteFSPath } from "swagger-ui-dist";
import { catalog } from "../../catalog.ts";

/** The Swagger UI files the gateway serves itself (no third-party CDN in a medical app). */
export const SWAGGER_ASSETS: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "swagger-ui-standalone-preset.js": "text/javascript; charset=utf-8",
};

/** Reads one Swagger UI asset from the `swagger-ui-dist` package. */
export function readSwaggerAsset(name: string): Promise<Uint8Array> {
  return Deno.readFile(`${getAbsoluteFSPath()}/${name}`);
}

/** The `/docs` page: Swagger UI over the services' OpenAPI documents. */
export const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Patient Management API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
<script src="/docs/assets/init.js"></script>
</body>
</html>
`;

const title = (name: string) => `${name[0]!.toUpperCase()}${name.slice(1)} Service`;

// Each service's document, then each route's own (the FHIR R4 paths of patient, scheduling and
// clinical).
const DOCUMENTS = [
  ...catalog.services.filter((s) => s.docs).map((s) => ({
    url: `/api-docs/${s.docs}`,
    name: title(s.name),
  })),
  ...catalog.services.flatMap((s) =>
    s.routes.filter((route) => route.docs).map((route) => ({
      url: `/api-docs/${route.docs}`,
      name: `${title(s.name)} ${route.errors === "fhir" ? "FHIR R4" : route.path}`,
    }))
  ),
];

/**
 * Starts Swagger UI with every service's document and every route's own, as the catalog lists
 * them (a file of its own so the CSP needs no inline script).
 */
export const INIT_JS = `window.ui = SwaggerUIBundle({
  urls: ${JSON.stringify(DOCUMENTS)},
  "urls.primaryName": "Patient Service",
  persistAuthorization: true,
  dom_id: "#swagger-ui",
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: "StandaloneLayout"
});
`;
