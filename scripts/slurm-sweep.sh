#!/bin/bash
# Run a zhagen sweep on a Slurm cluster as N array tasks, then merge the shards.
#
#   cargo build --release
#   scripts/slurm-sweep.sh scenarios/sweep-remote-allowance.toml out/sweep-remote 8 [CPUS_PER_TASK]
#
# Results: OUT/merged/results.csv (identical to a single-machine `zhagen sweep` of the same file).
set -euo pipefail
SWEEP="${1:?usage: slurm-sweep.sh SWEEP.toml OUT_DIR [N_SHARDS] [CPUS_PER_TASK]}"
OUT="${2:?usage: slurm-sweep.sh SWEEP.toml OUT_DIR [N_SHARDS] [CPUS_PER_TASK]}"
N="${3:-4}"
CPUS="${4:-4}"
HERE="$(pwd)"
ZHAGEN="${ZHAGEN:-$HERE/target/release/zhagen}"
SCRIPTS="$(cd "$(dirname "$0")" && pwd)"
[ -x "$ZHAGEN" ] || { echo "no zhagen binary at $ZHAGEN: run cargo build --release (or set ZHAGEN)" >&2; exit 1; }
# A request no node can meet pends forever while the submission looks fine: refuse it here.
most=$(sinfo -h -o %c 2>/dev/null | tr -d '+' | sort -n | tail -1 || true)
if [ -n "$most" ] && [ "$CPUS" -gt "$most" ]; then
  echo "--cpus-per-task=$CPUS: the largest node of this cluster has $most CPUs, so the jobs would pend forever; pass at most $most as CPUS_PER_TASK (4th argument)" >&2
  exit 1
fi
mkdir -p "$OUT"
array=$(sbatch --parsable --array=1-"$N" --cpus-per-task="$CPUS" --chdir="$HERE" \
  --output="$OUT/slurm-%A_%a.out" --export=ALL,ZHAGEN="$ZHAGEN" \
  "$SCRIPTS/zhagen-sweep.sbatch" "$SWEEP" "$OUT")
array="${array%%;*}"
merge=$(sbatch --parsable --dependency=afterok:"$array" --chdir="$HERE" \
  --output="$OUT/slurm-merge-%j.out" --job-name=zhagen-merge \
  --wrap "\"$ZHAGEN\" merge \"$OUT\"/shard-* --out \"$OUT/merged\"")
merge="${merge%%;*}"
echo "array job $array ($N shards), merge job $merge; results will be in $OUT/merged/results.csv"
