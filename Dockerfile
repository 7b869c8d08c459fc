# Build a static binary (no cgo: SQLite is pure Go), then ship it alone.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/andon ./cmd/andon \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/andon /andon
# The data directory must belong to the non-root user that writes it.
COPY --from=build --chown=65532:65532 /out/data /data
WORKDIR /data
ENV ANDON_DATA_DIR=/data ANDON_ADDR=0.0.0.0:8080
EXPOSE 8080
USER nonroot:nonroot
ENTRYPOINT ["/andon"]
CMD ["serve"]
