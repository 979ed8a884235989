#!/usr/bin/env bash
# Makes a local PostgreSQL available on 127.0.0.1 for the store and fault suites, idempotently:
# installs Debian's package when absent, creates and starts a cluster, creates the role and database,
# and exports DATABASE_URL. Sourced by .ci/run; safe to run again on a machine where it already ran.
set -euo pipefail

PG_USER=reprise
PG_PASSWORD=reprise
PG_DB=reprise
PG_PORT="${REPRISE_PG_PORT:-5432}"

if ! command -v pg_lsclusters >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "postgres: installing Debian's postgresql package"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
fi

PG_VERSION="$(ls /usr/lib/postgresql | sort -V | tail -1)"
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$PG_VERSION main"; then
  pg_createcluster "$PG_VERSION" main --port "$PG_PORT" >/dev/null
fi
if ! pg_lsclusters -h | awk -v v="$PG_VERSION" '$1==v && $2=="main" {print $4}' | grep -qx online; then
  pg_ctlcluster "$PG_VERSION" main start
fi
PG_PORT="$(pg_lsclusters -h | awk -v v="$PG_VERSION" '$1==v && $2=="main" {print $3}')"

for _ in $(seq 1 50); do
  pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && break
  sleep 0.2
done

as_postgres() { runuser -u postgres -- "$@"; }
if ! as_postgres psql -p "$PG_PORT" -tAc "SELECT 1 FROM pg_roles WHERE rolname='$PG_USER'" | grep -q 1; then
  as_postgres psql -p "$PG_PORT" -qc "CREATE ROLE $PG_USER LOGIN PASSWORD '$PG_PASSWORD' CREATEDB"
fi
if ! as_postgres psql -p "$PG_PORT" -tAc "SELECT 1 FROM pg_database WHERE datname='$PG_DB'" | grep -q 1; then
  as_postgres psql -p "$PG_PORT" -qc "CREATE DATABASE $PG_DB OWNER $PG_USER"
fi

export DATABASE_URL="postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_DB"
echo "postgres: $PG_VERSION on 127.0.0.1:$PG_PORT, DATABASE_URL exported"
