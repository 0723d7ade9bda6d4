# syntax=docker/dockerfile:1

# 1. The web app, built with Node.
FROM node:20-bookworm-slim AS web
WORKDIR /web
ENV PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
COPY frontend/package.json frontend/package-lock.json frontend/.npmrc ./
COPY frontend/client/package.json client/
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

# 2. The Python dependencies, pinned by requirements.lock, in a virtualenv.
FROM python:3.11-slim-bookworm AS python-deps
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /app
COPY requirements.lock pyproject.toml README.md ./
RUN pip install -r requirements.lock
COPY backend/ backend/
RUN pip install --no-deps .

# 3. The runtime: slim Python, a non-root user, the app, its migrations and the built web app.
FROM python:3.11-slim-bookworm
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    CIRCLES_ENV=production \
    CIRCLES_VAR_DIR=/app/var \
    CIRCLES_FRONTEND_DIR=/app/frontend/dist
RUN groupadd --system circles && useradd --system --gid circles --home-dir /app circles
WORKDIR /app
COPY --from=python-deps /opt/venv /opt/venv
COPY alembic.ini ./
COPY migrations/ migrations/
COPY --from=web /web/dist frontend/dist
RUN mkdir -p var && chown circles:circles var
USER circles
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
ENTRYPOINT ["circles"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
