#!/usr/bin/env bash
# Courier's side of ../shared/peers in one command: builds Courier, starts it with the run profile
# (./mvnw -Prun: Payara Micro, embedded broker, dev credentials) on a fresh data directory, runs
# WARMUPS unrecorded warm-up passes (the JIT: a fresh server's first passes run at half speed)
# and then REPEATS recorded passes of the peers' workloads (W1 serial
# enqueue and drain, W2 at a fixed rate), stops it, and prints one JSON line on stdout in the
# format summarize.py reads (the human summary goes to stderr):
#
#   bench/run-courier.sh > courier.json && ../shared/peers/summarize.py courier.json bullmq.json ...
#
# Knobs (as the peers' scripts): REPEATS (3), WARMUPS (3), W1_N (20000), W2_N (2000), W2_RATE (200),
# VARIANTS (http,jms), PB_DIR (/tmp/peerbench), SKIP_BUILD=1 to use what is built. The server
# takes Courier's settings from the environment (MicroProfile Config), e.g.
# COURIER_QUEUES_DEFAULT_CONCURRENCY=8 for the peers' concurrency.
set -euo pipefail
cd "$(dirname "$0")/.."

REPEATS=${REPEATS:-3}
WARMUPS=${WARMUPS:-3}
W1_N=${W1_N:-20000}
W2_N=${W2_N:-2000}
W2_RATE=${W2_RATE:-200}
VARIANTS=${VARIANTS:-http,jms}
PB_DIR=${PB_DIR:-/tmp/peerbench}
DATA="$PB_DIR/courier-data"
LOG="$PB_DIR/courier-server.log"

for port in 8080 61616; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port is taken: stop what listens there first" >&2
    exit 1
  fi
done

if [ -z "${SKIP_BUILD:-}" ]; then
  ./mvnw -q -B -ntp -DskipTests install >&2
fi
rm -rf "$DATA"
mkdir -p "$PB_DIR"

# the run profile's server, in the background; its Maven process and the server JVM are one
# process group, stopped together
COURIER_DATA_DIR="$DATA" setsid ./mvnw -q -B -ntp -Prun -pl micro >"$LOG" 2>&1 &
group=$!
stop() { kill -TERM -- "-$group" 2>/dev/null || true; wait "$group" 2>/dev/null || true; }
trap stop EXIT

for _ in $(seq 1 120); do
  if curl -sf -u courier:courier -o /dev/null http://127.0.0.1:8080/api/queues/default; then
    break
  fi
  sleep 1
done
curl -sf -u courier:courier -o /dev/null http://127.0.0.1:8080/api/queues/default || {
  echo "Courier did not start; see $LOG" >&2
  exit 1
}

workloads() {
  ./mvnw -q -B -ntp -pl bench exec:java@bench \
    -Dexec.args="--mode=peers --repeats=$1 --n=$W1_N --w2-n=$W2_N --rate=$W2_RATE --variants=$VARIANTS"
}
echo "$WARMUPS warm-up passes (not recorded)" >&2
workloads "$WARMUPS" >/dev/null
loadavg=$(cut -d' ' -f1 /proc/loadavg)
workloads "$REPEATS" | tail -n 1 | sed "s/^{\"system\":\"courier\"/{\"system\":\"courier\",\"loadavg1_before\":$loadavg/"
