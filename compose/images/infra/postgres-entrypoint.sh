#!/bin/sh
# Debian's PostgreSQL 15 in the foreground: initialise the cluster and the ebit role and database on
# first start (then run /etc/ebit-lab/postgres/*.sql as ebit), and listen on every address.
set -eu
PGDATA="${PGDATA:-/var/lib/postgresql/data}"
DB_USER="${POSTGRES_USER:-ebit}"
DB_NAME="${POSTGRES_DB:-ebit}"
DB_PASSWORD="${POSTGRES_PASSWORD:-ebit}"
SETTINGS="-c shared_buffers=32MB -c max_connections=50 -c fsync=off -c synchronous_commit=off \
 -c full_page_writes=off -c log_min_duration_statement=-1 -c autovacuum_naptime=30s"

if [ "$(id -u)" = 0 ]; then
    chown postgres:postgres "$PGDATA" && chmod 0700 "$PGDATA"
    exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    initdb -D "$PGDATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 >/dev/null
    printf 'host all all 0.0.0.0/0 scram-sha-256\nhost all all ::/0 scram-sha-256\n' >>"$PGDATA/pg_hba.conf"
    pg_ctl -D "$PGDATA" -o "-c listen_addresses='' $SETTINGS" -w start >/dev/null
    psql -v ON_ERROR_STOP=1 -U postgres -d postgres -q \
        -c "CREATE ROLE \"$DB_USER\" LOGIN PASSWORD '$DB_PASSWORD'" \
        -c "CREATE DATABASE \"$DB_NAME\" OWNER \"$DB_USER\""
    for f in /etc/ebit-lab/postgres/*.sql; do
        [ -e "$f" ] && psql -v ON_ERROR_STOP=1 -U "$DB_USER" -d "$DB_NAME" -q -f "$f"
    done
    pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
    echo '{"level":"info","service":"ebit-postgres","msg":"initialised database"}'
fi
# shellcheck disable=SC2086
exec postgres -D "$PGDATA" -c listen_addresses='*' $SETTINGS
