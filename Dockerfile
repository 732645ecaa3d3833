# Multi-stage build: compile in the Rust image, run in a slim Debian image as an unprivileged user.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock build.rs ./
# The manifest declares the load benchmark; cargo wants its file present even for a plain build.
COPY benches benches
COPY src src
COPY migrations migrations
COPY templates templates
COPY static static
COPY reference reference
RUN cargo build --release --locked

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /nonexistent airegister
COPY --from=build /src/target/release/airegister /usr/local/bin/airegister
USER airegister
ENV AIREGISTER_BIND=0.0.0.0:8080
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s CMD ["/bin/sh", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080"]
ENTRYPOINT ["airegister"]
CMD ["serve"]
