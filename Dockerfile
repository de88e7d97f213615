# Two images from one build: the source (the default, last stage) and the destination (`--target destination`).
# Under the legacy builder on a storage driver without copy-on-write (vfs) every instruction copies the whole image,
# so related settings share one instruction, and what changes with the sources (dist/) is each image's last layer:
# a change of src/ rebuilds the compile and one COPY per image.

# Build stage: compile TypeScript to dist/.
FROM node:24-bookworm-slim AS build
# Names this stage's images, which no tag keeps: the image tests prune those of older builds (test/support/docker.ts).
LABEL source-tiktok-marketing.stage=build
WORKDIR /app
COPY package.json package-lock.json ./
# Install scripts only fetch a Node binary and embedded Postgres for local development: not needed here.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json spec.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json

# What both images hold below the compiled CLI: production dependencies only (no emulator, no tools/: the workspace
# packages are not in the context's COPYs, so npm ci installs none of them).
FROM node:24-bookworm-slim AS runtime
WORKDIR /airbyte/integration_code
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
# The same malloc setting as the CLI's shebang (src/bin/source.ts): the heap stays near the live set. HOME is the
# one writable place (`docker run --read-only --tmpfs /tmp` works): the connector writes nowhere else.
ENV NODE_ENV=production MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=65536 HOME=/tmp
# Not root: uid 1000 is the official node image's `node`; a number needs no passwd entry in any base.
USER 1000:1000
COPY spec.json README.md ./

# The destination (Postgres or BigQuery): spec, check --config F, write --config F --catalog F (messages on stdin).
FROM runtime AS destination
ENV AIRBYTE_ENTRYPOINT="node --max-old-space-size=192 --min-semi-space-size=4 --max-semi-space-size=4 --heap-growing-percent=60 --no-separate-gc-phases --no-wasm-tier-up /airbyte/integration_code/dist/bin/destination.js"
ENTRYPOINT ["node", "--max-old-space-size=192", "--min-semi-space-size=4", "--max-semi-space-size=4", "--heap-growing-percent=60", "--no-separate-gc-phases", "--no-wasm-tier-up", "/airbyte/integration_code/dist/bin/destination.js"]
LABEL io.airbyte.name=airbyte/destination-postgres-tiktok io.airbyte.version=0.1.0
COPY --from=build /app/dist ./dist

# The source, the default target: the same V8 flags as the CLI's shebang.
FROM runtime AS source
ENV AIRBYTE_ENTRYPOINT="node --max-old-space-size=192 --min-semi-space-size=4 --max-semi-space-size=4 --heap-growing-percent=60 --no-separate-gc-phases --no-wasm-tier-up /airbyte/integration_code/dist/bin/source.js"
ENTRYPOINT ["node", "--max-old-space-size=192", "--min-semi-space-size=4", "--max-semi-space-size=4", "--heap-growing-percent=60", "--no-separate-gc-phases", "--no-wasm-tier-up", "/airbyte/integration_code/dist/bin/source.js"]
LABEL io.airbyte.name=airbyte/source-tiktok-marketing-ts io.airbyte.version=0.1.0
COPY --from=build /app/dist ./dist
