# syntax=docker/dockerfile:1
# ctwatch container image. Build: docker build -t ctwatch .
# Run:   docker run --init -v ctwatch-data:/data -v ./ctwatch.yaml:/etc/ctwatch/ctwatch.yaml:ro -p 127.0.0.1:9797:9797 ctwatch
# See docs/operations.md ("Docker"). Debian slim (glibc) because better-sqlite3 is a native addon.

ARG NODE_IMAGE=node:22-bookworm-slim

# ---- build: all dependencies, the native addon, the TypeScript build ------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /src
# Compilers for better-sqlite3 in case no prebuilt binary matches this platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# Install scripts stay off for every package, then only the allowed native addon
# (package.json "allowScripts") is built.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3
COPY tsconfig.json ./
COPY src ./src
COPY bench ./bench
COPY test/helpers/cert-factory.ts ./test/helpers/cert-factory.ts
COPY test/helpers/ports.ts ./test/helpers/ports.ts
COPY web ./web
COPY scripts/build-web.mjs ./scripts/build-web.mjs
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: production dependencies and the compiled code only -----------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    MALLOC_ARENA_MAX=2 \
    NODE_OPTIONS="--max-semi-space-size=4 --max-old-space-size=1024" \
    CTWATCH_CONFIG=/etc/ctwatch/ctwatch.yaml
WORKDIR /app
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist/src ./dist/src
COPY --from=build /src/dist/web ./dist/web
COPY bin ./bin
COPY config ./config
COPY data ./data
# Default config for a container: the example rules, the database on the /data volume, metrics
# and health on every interface of the container. Mount your own file over it.
COPY <<'YAML' /etc/ctwatch/ctwatch.yaml
feed:
  url: "${CTWATCH_FEED_URL:-ws://certstream:8080/full-stream}"
store:
  path: /data/ctwatch.db
http:
  listen: "0.0.0.0:9797"
brands:
  - { name: PayPal, domains: [paypal.com, paypal.me], keywords: [paypal] }
notifiers:
  - { id: stdout, type: console }
routes:
  - { notifiers: [stdout], min_severity: low }
YAML
# The image's own "node" user (uid 1000), never root; it owns only the data volume.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 9797
# /livez through node's own fetch: the slim image has no curl or wget.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9797/livez').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: node is the process that receives SIGTERM from `docker stop` (or the tini of
# `docker run --init` forwards it) and stops within 5 s; SIGHUP reloads the config.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "/app/bin/ctwatch.js"]
CMD ["run"]
