#!/usr/bin/env bash
# make load: the product under gunicorn (production settings) on PostgreSQL + Redis with the
# demo data, a Celery worker for the mail, then locust headless with 50 users for 60 s.
# Traffic goes to 127.0.0.1 only. Fails when a single request fails.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
USERS=${LOAD_USERS:-50}
DURATION=${LOAD_DURATION:-60s}
PORT=${LOAD_PORT:-8077}
OUT=var/load
mkdir -p "$OUT"

export DATABASE_URL=${LOAD_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/sellercentral_load}
export CELERY_BROKER_URL=${LOAD_BROKER_URL:-redis://127.0.0.1:6379/13}
export CACHE_URL=${LOAD_CACHE_URL:-redis://127.0.0.1:6379/13}
export DJANGO_SETTINGS_MODULE=load.settings
export DEBUG=false ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false SECURE_HSTS_SECONDS=0
export SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false
export SECRET_KEY=${SECRET_KEY:-$($BIN/python -c 'import secrets; print(secrets.token_urlsafe(60))')}
export INBOUND_EMAIL_SECRET=${INBOUND_EMAIL_SECRET:-$($BIN/python -c "import secrets; print(secrets.token_urlsafe(40))")}
export EMAIL_BACKEND=sellercentral.mailbox.MailboxBackend STATIC_ROOT=$OUT/static
export CELERY_TASK_DEFAULT_QUEUE=load
# 50 simulated people sign in from one address as two demo accounts and reply as fast as
# locust lets them: the write rates meant for one person each are lifted for the load figure.
export WRITE_RATES=${LOAD_WRITE_RATES:-writes=1000000/minute,sign_in=1000000/minute,reply=1000000/hour}

db=${DATABASE_URL##*/}
server=${DATABASE_URL%/*}
psql "$server/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1 \
  || createdb -h 127.0.0.1 -U postgres "$db"
$BIN/python manage.py migrate --noinput -v0
# Production settings: seed_demo refuses them unless told this is a demonstration (no admin made).
$BIN/python manage.py seed_demo --allow-production > /dev/null
$BIN/python manage.py collectstatic --noinput -v0

pids=()
stop() { for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap stop EXIT
$BIN/gunicorn load.wsgi:application --bind "127.0.0.1:$PORT" --workers "${WEB_WORKERS:-4}" \
  --log-level warning > "$OUT/gunicorn.log" 2>&1 &
pids+=($!)
$BIN/celery -A sellercentral worker --pool=solo --loglevel=WARNING > "$OUT/worker.log" 2>&1 &
pids+=($!)
$BIN/python -m load.wait "http://127.0.0.1:$PORT/healthz/"

$BIN/locust -f load/locustfile.py --headless --users "$USERS" --spawn-rate "$USERS" --run-time "$DURATION" \
  --host "http://127.0.0.1:$PORT" --csv "$OUT/stats" --only-summary --loglevel WARNING --exit-code-on-error 1
$BIN/python load/summary.py "$OUT/stats_stats.csv" "$USERS" "$DURATION"
