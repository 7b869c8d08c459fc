# Build a static binary (no cgo: SQLite is pure Go), then ship it alone.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/andon ./cmd/andon

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/andon /andon
WORKDIR /data
ENV ANDON_DATA_DIR=/data ANDON_ADDR=0.0.0.0:8080
EXPOSE 8080
USER nonroot:nonroot
ENTRYPOINT ["/andon"]
CMD ["serve"]
