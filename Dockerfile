# One image for every Mesh Momentum service and tool (docs/image.md):
#   docker build -t mesh-momentum .
#   docker run --rm mesh-momentum --help
# Stages: tools (pnpm) -> manifests (package files only, so dependency layers stay cached while code
# changes) -> deps (production dependencies of the services and the CLI) and build (tsc + the web UI)
# -> runtime (the base image, the compiled output and those dependencies; no pnpm, no sources).

# Any Node 24 image on Debian bookworm; CI passes one it made from Debian packages (scripts/image-base.sh).
ARG BASE_IMAGE=node:24-bookworm-slim

FROM ${BASE_IMAGE} AS tools
WORKDIR /app
COPY package.json ./
# pnpm at the version pinned in package.json's packageManager field.
RUN npm install --global --no-fund --no-audit --loglevel=error \
      "pnpm@$(node -p "require('./package.json').packageManager.split('@')[1]")"
ENV CI=true
# The workspace packages the image runs, with their workspace dependencies (production ones only).
ENV MM_IMAGE_PACKAGES="--filter-prod=@mesh-momentum/processor... --filter-prod=@mesh-momentum/ingest... --filter-prod=@mesh-momentum/dashboard... --filter-prod=@mesh-momentum/alerter... --filter-prod=@mesh-momentum/cli..."

FROM tools AS manifests
COPY . /src
RUN cd /src && find . -type f ! -name package.json ! -name pnpm-lock.yaml ! -name pnpm-workspace.yaml \
      ! -path './patches/*' -delete && find . -type d -empty -delete

FROM tools AS deps
COPY --from=manifests /src /app
# $MM_IMAGE_PACKAGES unquoted: it holds several options.
RUN pnpm install --prod --frozen-lockfile $MM_IMAGE_PACKAGES --reporter=append-only \
    && rm -rf "$(pnpm store path)"

FROM tools AS build
COPY --from=manifests /src /app
RUN pnpm install --frozen-lockfile --reporter=append-only
COPY . /app
RUN pnpm build && (cd services/dashboard/web && ../node_modules/.bin/vite build --logLevel warn)
# /out: what the runtime needs of each package it runs (manifest, compiled code, Lua scripts), the
# web UI's build, the Avro schemas and the entry point, laid out as in the repository.
RUN mkdir -p /out/deploy/image \
    && for dir in $(pnpm --silent -r $MM_IMAGE_PACKAGES exec pwd); do \
         rel="${dir#/app/}"; mkdir -p "/out/$rel"; \
         for part in package.json dist lua; do [ ! -e "$dir/$part" ] || cp -r "$dir/$part" "/out/$rel/"; done; \
       done \
    && find /out -name '*.d.ts' -o -name '*.d.ts.map' -o -name '*.tsbuildinfo' | xargs rm -f \
    && mkdir -p /out/services/dashboard/web && cp -r services/dashboard/web/dist /out/services/dashboard/web/ \
    && cp -r schemas /out/schemas \
    && cp deploy/image/mesh-momentum.js deploy/image/commands.json /out/deploy/image/

FROM ${BASE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app /app
COPY --from=build /out /app
RUN ln -s /app/deploy/image/mesh-momentum.js /usr/local/bin/mesh-momentum
# A fixed uid, no home, nothing owned by it: the image runs with a read-only root filesystem.
USER 10001:10001
# Last: the labels change with every commit, and nothing after them has to be rebuilt.
ARG VERSION=dev
ARG REVISION=unknown
ARG SOURCE=
LABEL org.opencontainers.image.title="mesh-momentum" \
      org.opencontainers.image.description="Mesh Momentum: processor, ingest gateway, dashboard, alerter and CLI" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="${SOURCE}"
ENTRYPOINT ["mesh-momentum"]
CMD ["--help"]
