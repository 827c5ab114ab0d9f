# syntax=docker/dockerfile:1
# The image of every service; SERVICE is a name in services/catalog.json. From the repository root:
#   docker build --build-arg SERVICE=patient -t patient-management/patient .
# (compose.yml builds the six this way). How the service runs (its Deno permissions) and its V8 flags
# (heap limits, GC) come from services/catalog.json; its configuration comes from the environment (see
# services/<name>/config.ts and compose.yml); its default ports are the catalog's.
FROM denoland/deno:2.9.6

ARG SERVICE
# Lazy npm caching: Deno fetches only the npm packages the module graph imports, at build time and
# at run time. Without it Deno installs every npm package of the lockfile (the test-only ones too,
# testcontainers, PGlite, the AWS SDK...) when the cache lacks one, and so at the service's start.
ENV DENO_NO_UPDATE_CHECK=1 \
    DENO_NO_PROMPT=1 \
    DENO_UNSTABLE_NPM_LAZY_CACHING=1
WORKDIR /app

# 1. The manifests and the catalog; then, as root, the entrypoint written from the catalog into a
#    root-owned file (services/entrypoint.ts: bounded heaps, `exec deno run <its permissions>
#    services/$SERVICE/main.ts`). Its own DENO_DIR, removed after, so that nothing of root's is
#    left in the `deno` user's cache. These layers change only with the catalog or the lockfile.
COPY deno.json deno.lock ./
COPY services/catalog.json services/entrypoint.ts services/healthcheck.ts services/
RUN test -n "$SERVICE" || { echo "build with --build-arg SERVICE=<a service of services/catalog.json>" >&2; exit 1; }; \
    DENO_DIR=/tmp/deno-build deno run --frozen services/entrypoint.ts "$SERVICE" >/usr/local/bin/run-service \
    && chmod 0755 /usr/local/bin/run-service \
    && rm -rf /tmp/deno-build

# 2. The code this service runs: the shared packages, the protos, the catalog and the service.
COPY packages/ packages/
COPY proto/ proto/
COPY services/catalog.ts services/
COPY services/${SERVICE}/ services/${SERVICE}/

# 3. From here on as the image's unprivileged `deno` user: the code above stays owned by root, so
#    the service cannot change it; only the Deno cache (DENO_DIR) belongs to `deno`. Only the
#    service's own module graph is cached (its npm packages, checked against the lockfile), never
#    the whole import map (no `deno install`): the test-only packages stay out of the image.
USER deno
RUN deno cache --frozen services/${SERVICE}/main.ts
RUN deno cache --frozen services/healthcheck.ts

ENV APP_ENV=production \
    HOST=0.0.0.0 \
    SERVICE=${SERVICE}
# GET /health on PORT, or on the catalog's port of SERVICE when PORT is not set.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["deno", "run", "--allow-env=PORT,SERVICE", "--allow-net=127.0.0.1", "services/healthcheck.ts"]

ENTRYPOINT ["/usr/local/bin/run-service"]
