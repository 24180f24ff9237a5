# syntax=docker/dockerfile:1
# The Orange County Lettings site: one static binary on a distroless base.
# Base images are pinned by tag; Dependabot (.github/dependabot.yml) proposes
# new ones, so that a base image never changes under an unchanged tree.

# trixie, to match the final stage's Debian 13.
FROM golang:1.26-trixie AS build
WORKDIR /src
# Modules first, in a layer of their own, so code changes do not download them again.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
ARG VERSION=dev
ARG COMMIT=unknown
ARG DATE=unknown
# build: the line .ci/run runs too, to prove the binary works in an empty root.
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION} -X main.commit=${COMMIT} -X main.date=${DATE}" -o /out/app ./cmd/app
RUN mkdir -p /out/data

# The root-default variant, not :nonroot: the binary starts as root only to
# make /data its own (a fresh Render disk or host directory is root's), then
# drops to RUN_AS (uid/gid 65532, set below) for everything else.
FROM gcr.io/distroless/static-debian13
ARG VERSION=dev
ARG COMMIT=unknown
ARG DATE=unknown
# The repository's address, which registries and Dependabot link back to;
# the workflow passes it, a local build may leave it empty.
ARG SOURCE=
LABEL org.opencontainers.image.title="oc-lettings" \
      org.opencontainers.image.description="Orange County Lettings: public site and admin in one Go binary" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${COMMIT}" \
      org.opencontainers.image.created="${DATE}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.licenses="proprietary"
COPY --from=build /out/app /app
# Already 65532's, so that a container run with --user 65532 (no root at
# all) still finds its data directory writable.
COPY --from=build --chown=65532:65532 /out/data /data
VOLUME ["/data"]
# RUN_AS: the user the app becomes, once it has made /data that user's.
ENV DATABASE_URL=sqlite:/data/oc-lettings.sqlite3 \
    PORT=8000 \
    RUN_AS=65532:65532
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD ["/app", "healthcheck"]
ENTRYPOINT ["/app"]
CMD ["serve"]
