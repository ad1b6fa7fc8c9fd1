#!/usr/bin/env bash
# A minimal versioned migration runner (what `alembic upgrade head` does for the real app): applies every
# migrations/NNN_*.sql not yet recorded in schema_migrations, each in its own transaction, in order.
# Reads DATABASE_URL from the environment (the Job gets it from a Secret); never prints it.
set -euo pipefail
dir="${MIGRATIONS_DIR:-$(dirname "$0")/migrations}"
: "${DATABASE_URL:?DATABASE_URL is not set}"
psql_() { psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -X -q "$@"; }
psql_ -c "CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
applied=0
for f in "$dir"/*.sql; do
  v="$(basename "$f" .sql)"
  if [ -n "$(psql_ -At -c "SELECT 1 FROM schema_migrations WHERE version = '$v'")" ]; then
    echo "skip  $v (already applied)"
    continue
  fi
  echo "apply $v"
  psql_ -1 -f "$f" -c "INSERT INTO schema_migrations (version) VALUES ('$v')"
  applied=$((applied + 1))
done
echo "migrations: $applied applied, head is $(psql_ -At -c 'SELECT max(version) FROM schema_migrations')"
