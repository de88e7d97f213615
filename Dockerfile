# Two images from one build: the source (the default, last stage) and the destination (`--target destination`).
# Under the legacy builder and a copy-on-write-less storage driver every instruction costs a copy of the image, so
# related settings share one instruction.

# Build stage: compile TypeScript to dist/.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Install scripts only fetch a Node binary and embedded Postgres for local development: not needed here.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json spec.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json

# What both images hold: production dependencies and the compiled CLI only (no emulator, no tools/: the
# workspace packages are not in the context's COPYs, so npm ci installs none of them).
FROM node:24-bookworm-slim AS runtime
WORKDIR /airbyte/integration_code
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY spec.json README.md ./
# The same malloc setting as the CLI's shebang (src/bin/source.ts): the heap stays near the live set. HOME is the
# one writable place (`docker run --read-only --tmpfs /tmp` works): the connector writes nowhere else.
ENV NODE_ENV=production MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=65536 HOME=/tmp
# Not root: uid 1000 is the official node image's `node`; a number needs no passwd entry in any base.
USER 1000:1000

# The destination (Postgres or BigQuery): spec, check --config F, write --config F --catalog F (messages on stdin).
FROM runtime AS destination
ENV AIRBYTE_ENTRYPOINT="node --max-old-space-size=192 --min-semi-space-size=4 --max-semi-space-size=4 --heap-growing-percent=60 --no-separate-gc-phases --no-wasm-tier-up /airbyte/integration_code/dist/bin/destination.js"
ENTRYPOINT ["node", "--max-old-space-size=192", "--min-semi-space-size=4", "--max-semi-space-size=4", "--heap-growing-percent=60", "--no-separate-gc-phases", "--no-wasm-tier-up", "/airbyte/integration_code/dist/bin/destination.js"]
LABEL io.airbyte.name=airbyte/destination-postgres-tiktok io.airbyte.version=0.1.0

# The source, the default target: the same V8 flags as the CLI's shebang.
FROM runtime AS source
ENV AIRBYTE_ENTRYPOINT="node --max-old-space-size=192 --min-semi-space-size=4 --max-semi-space-size=4 --heap-growing-percent=60 --no-separate-gc-phases --no-wasm-tier-up /airbyte/integration_code/dist/bin/source.js"
ENTRYPOINT ["node", "--max-old-space-size=192", "--min-semi-space-size=4", "--max-semi-space-size=4", "--heap-growing-percent=60", "--no-separate-gc-phases", "--no-wasm-tier-up", "/airbyte/integration_code/dist/bin/source.js"]
LABEL io.airbyte.name=airbyte/source-tiktok-marketing-ts io.airbyte.version=0.1.0
