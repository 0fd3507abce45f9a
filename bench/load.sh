#!/usr/bin/env bash
# Load test: the users example's guarded GET /users against its own
# GET /health, and against the same route guarded with actix-web-httpauth
# and jsonwebtoken (bench/httpauth-baseline), for HS256 and RS256 tokens.
# Runs alternate in one go, so that the machine's drift hits every server
# alike; the script prints requests per second and the ratios.
#
#   bench/load.sh            # 3 rounds of 5 s per run
#   ROUNDS=5 SECONDS_PER_RUN=10 bench/load.sh
#
# Servers run on CPU 1 and wrk on CPU 0 (taskset), on loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-5}
CONNECTIONS=${CONNECTIONS:-32}
OURS_PORT=5071
BASELINE_PORT=5072
SECRET="a load-test secret that is longer than 32 bytes"

if ! command -v wrk >/dev/null; then
    apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi

cargo build --release --example users
cargo build --release --manifest-path bench/httpauth-baseline/Cargo.toml --target-dir target
OURS=target/release/examples/users
BASELINE=target/release/httpauth-baseline

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

wait_for() {
    for _ in $(seq 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "server on port $1 did not start" >&2
    exit 1
}

# Requests per second of one wrk run; fails on any non-2xx answer.
rps() {
    local url=$1 header=$2 out
    out=$(taskset -c 0 wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" -H "$header" "$url")
    if grep -q "Non-2xx" <<<"$out"; then
        echo "non-2xx answers from $url:" >&2
        echo "$out" >&2
        exit 1
    fi
    awk '/Requests\/sec/ {print $2}' <<<"$out"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }

for alg in HS256 RS256; do
    if [ "$alg" = HS256 ]; then
        config=(JWT_SECRET="$SECRET")
        signing_key=$SECRET
    else
        config=(JWT_PUBLIC_KEY_FILE=tests/keys/rsa_public.pem)
        signing_key=tests/keys/rsa_private.pem
    fi
    token=$("$BASELINE" mint "$alg" "$signing_key")
    header="Authorization: Bearer $token"

    env "${config[@]}" PORT=$OURS_PORT taskset -c 1 "$OURS" >/dev/null &
    pids+=($!)
    env "${config[@]}" PORT=$BASELINE_PORT taskset -c 1 "$BASELINE" serve >/dev/null &
    pids+=($!)
    wait_for $OURS_PORT
    wait_for $BASELINE_PORT

    # Warm up both, then alternate.
    rps "http://127.0.0.1:$OURS_PORT/users" "$header" >/dev/null
    rps "http://127.0.0.1:$BASELINE_PORT/users" "$header" >/dev/null
    health=0 users=0 baseline=0
    for round in $(seq "$ROUNDS"); do
        h=$(rps "http://127.0.0.1:$OURS_PORT/health" "$header")
        u=$(rps "http://127.0.0.1:$OURS_PORT/users" "$header")
        b=$(rps "http://127.0.0.1:$BASELINE_PORT/users" "$header")
        echo "$alg round $round: /health $h  /users $u  httpauth /users $b req/s"
        health=$(awk -v a="$health" -v b="$h" 'BEGIN { print a + b }')
        users=$(awk -v a="$users" -v b="$u" 'BEGIN { print a + b }')
        baseline=$(awk -v a="$baseline" -v b="$b" 'BEGIN { print a + b }')
    done
    echo "$alg: /users vs /health on the same server: $(ratio "$users" "$health")"
    echo "$alg: /users vs the actix-web-httpauth + jsonwebtoken server: $(ratio "$users" "$baseline")"

    cleanup
    pids=()
    sleep 0.5
done
