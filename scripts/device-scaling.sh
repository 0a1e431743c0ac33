#!/usr/bin/env bash
# Parallel efficiency on a machine with more cores than this one, from a bench binary built
# here (that machine may have no Rust toolchain). Two steps:
#
#   here:   scripts/device-scaling.sh build      # → .device/throughput (stripped, x86-64)
#   there:  scripts/device-scaling.sh measure    # in the repository root; writes $OUT or ./out
#
# `measure` prints the machine (lscpu), then the efficiency table of
# `cargo bench --bench throughput -- efficiency`: one national replication at 1, 2, 4, …
# threads up to the core count, median of 5 runs each. Copy the table and the machine into
# benches/README.md. It takes about 1 minute on 16 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
build)
    cargo bench --bench throughput --no-run --locked
    bin=$(cargo bench --bench throughput --no-run --locked --message-format=json 2>/dev/null |
        sed -n 's/.*"executable":"\([^"]*throughput[^"]*\)".*/\1/p' | tail -1)
    mkdir -p .device
    cp "$bin" .device/throughput
    strip .device/throughput
    grep -qx '/.device/' .git/info/exclude 2>/dev/null || echo '/.device/' >>.git/info/exclude
    ls -l .device/throughput
    ;;
measure)
    out=${OUT:-out}
    mkdir -p "$out"
    {
        echo "# $(date -u +%FT%TZ) $(uname -srm)"
        lscpu 2>/dev/null | grep -E '^(Model name|CPU\(s\)|Thread\(s\) per core|Core\(s\) per socket|Socket\(s\)|L3 cache)' || nproc
        .device/throughput --bench efficiency
    } 2>&1 | tee "$out/scaling.txt"
    ;;
*)
    echo "usage: $0 build | measure" >&2
    exit 2
    ;;
esac
