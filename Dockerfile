# One image for web, worker and beat (see docker-compose.yml).
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=config.settings.production
# gettext for the catalogues; Tesseract's Vietnamese and English models for reading photos sent from outside.
RUN apt-get update && apt-get install -y --no-install-recommends gettext tesseract-ocr-vie tesseract-ocr-eng && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir -e ".[s3]"
COPY . .
RUN SECRET_KEY=build DATABASE_URL=sqlite:////tmp/build.sqlite3 CELERY_BROKER_URL=redis://unused ALLOWED_HOSTS=build \
    python manage.py compilemessages --ignore=.venv && \
    SECRET_KEY=build DATABASE_URL=sqlite:////tmp/build.sqlite3 CELERY_BROKER_URL=redis://unused ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput
RUN useradd --system --uid 1000 portal && mkdir -p /app/var && chown portal /app/var
USER portal
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4", "--timeout", "60"]
