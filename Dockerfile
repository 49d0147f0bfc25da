# syntax=docker/dockerfile:1
# AutoDevHub image: one port (UI, /api, /auth, /health, /metrics), migrations applied on start.

FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 \
    REFLEX_USE_NPM=1 REFLEX_TELEMETRY_ENABLED=false \
    PATH=/opt/venv/bin:$PATH
WORKDIR /app
RUN python -m venv /opt/venv
COPY requirements.txt pyproject.toml ./
RUN pip install -r requirements.txt
COPY . .
RUN pip install --no-deps . \
    && AUTODEVHUB_DATA_DIR=/tmp/build-data reflex export --frontend-only --no-zip \
    && rm -rf /tmp/build-data .web/node_modules/.cache

FROM python:3.11-slim AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    REFLEX_USE_NPM=1 REFLEX_TELEMETRY_ENABLED=false \
    AUTODEVHUB_DATA_DIR=/data AUTODEVHUB_PORT=3000 \
    PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends curl postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 autodevhub \
    && mkdir /data && chown autodevhub /data
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY --from=build --chown=autodevhub /app /app
USER autodevhub
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${AUTODEVHUB_PORT}/health" || exit 1
CMD ["sh", "-c", "autodevhub db upgrade && exec reflex run --env prod --single-port --backend-port \"$AUTODEVHUB_PORT\""]
