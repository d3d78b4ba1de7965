#!/usr/bin/env bash
# Faults, tried as a user meets them, through the command line only:
#  1. a damaged bundle: every file kind of a demo bundle deleted, truncated or altered (same size, one byte
#     changed), plus a file the manifest does not list. `score` must exit 2 with one line naming the file and
#     write no score table. A bundle whose manifest is gone (as written before manifests) must still score.
#  2. a driver killed in the middle of training: `train` is killed (SIGKILL) after a few checkpoints, run again
#     with the same arguments, and its final loss compared with an uninterrupted run's (relative gap).
#  3. an executor killed during a parameter-averaging round, on a standalone cluster (scripts/local-cluster.sh):
#     training must finish every epoch.
#  4. two local jobs at once on the default local catalog: both must register their tables.
# Last line:
#   faults bundle_cases=<ok>/<n> resume_loss_gap=<x> executor_kill_train=ok|FAILED concurrent_local_jobs=ok|FAILED
#
#   bench/faults.sh [workdir]     (default bench/out/faults; about 5 minutes on 2 cores)
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
W="${1:-$ROOT/bench/out/faults}"
L="$ROOT/scripts/lakead"
CLUSTER="$ROOT/scripts/local-cluster.sh"
export LAKEAD_JAVA_OPTS="${LAKEAD_JAVA_OPTS:--Xmx3g}"
rm -rf "$W"; mkdir -p "$W"
W="$(cd "$W" && pwd)"
log() { echo "== $*" >&2; }

log "demo (the data, a bundle and the catalog) in $W/demo"
"$L" demo --workdir "$W/demo" --rows-per-day 2000 --days 2 --train-days 1 --set train.epochs=3 > "$W/demo.log" 2>&1 \
  || { tail -n 20 "$W/demo.log" >&2; echo "faults: the demo failed" >&2; exit 1; }
export LAKEAD_NO_BUILD=1 # built by the demo
BUNDLE="$W/demo/models/sensor-autoencoder/v1"
LAKE="$W/demo/lake/sensor_readings"
PREPARED="$W/demo/prepared/sensor-autoencoder"

# --- 1. the damaged-bundle matrix ------------------------------------------------------------------------------
# Runs `score` on a copy of the bundle damaged by "$@"; ok when it exits 2, says one error line naming $name,
# prints no stack trace and writes no score table.
ok=0; n=0
damaged_case() {
  local label="$1" name="$2" action="$3" file="$4"
  local b="$W/bundles/$label" out="$W/bundles/$label.scores"
  rm -rf "$b" "$out"; mkdir -p "$W/bundles"; cp -r "$BUNDLE" "$b"
  case "$action" in
    delete) rm -f "$b/$file" ;;
    truncate) truncate -s "$(( $(stat -c %s "$b/$file") / 2 ))" "$b/$file" ;;
    alter) printf 'X' | dd of="$b/$file" bs=1 seek="$(( $(stat -c %s "$b/$file") / 2 ))" conv=notrunc status=none
           if cmp -s "$b/$file" "$BUNDLE/$file"; then printf 'Y' | dd of="$b/$file" bs=1 \
             seek="$(( $(stat -c %s "$b/$file") / 2 ))" conv=notrunc status=none; fi ;;
    add) echo "stray" > "$b/$file" ;;
  esac
  "$L" score --model "$b" --input "$LAKE" --output "$out" --set catalog.type=in-memory \
    > "$W/bundles/$label.out" 2> "$W/bundles/$label.err"
  local rc=$? errors
  errors="$(grep -c '^lakead score: error:' "$W/bundles/$label.err")"
  n=$((n + 1))
  if [[ $rc == 2 && $errors == 1 ]] && grep '^lakead score: error:' "$W/bundles/$label.err" | grep -qF "$name" \
     && ! grep -qE '^\s+at |Exception in thread' "$W/bundles/$label.err" && [[ ! -e "$out" ]]; then
    ok=$((ok + 1)); echo "bundle $label: ok  ($(grep '^lakead score: error:' "$W/bundles/$label.err"))" >&2
  else
    echo "bundle $label: FAILED rc=$rc error_lines=$errors output_exists=$([[ -e $out ]] && echo yes || echo no)" >&2
    tail -n 5 "$W/bundles/$label.err" >&2
  fi
}
log "damaged bundles (score must exit 2, one line naming the file, no output)"
i=0
while IFS= read -r rel; do
  i=$((i + 1))
  for action in delete truncate alter; do damaged_case "f$i-$action" "$(basename "$rel")" "$action" "$rel"; done
done < <(cd "$BUNDLE" && find . -type f ! -name manifest.json ! -name '.*' ! -name _SUCCESS | sed 's|^\./||' | sort)
damaged_case "unlisted" "notes.txt" add "notes.txt"
# a bundle from before manifests: scores, with a warning
rm -rf "$W/bundles/legacy" "$W/bundles/legacy.scores"; cp -r "$BUNDLE" "$W/bundles/legacy"; rm "$W/bundles/legacy/manifest.json"
n=$((n + 1))
if "$L" score --model "$W/bundles/legacy" --input "$LAKE" --output "$W/bundles/legacy.scores" \
     --set catalog.type=in-memory > "$W/bundles/legacy.out" 2>&1 && grep -qi 'manifest' "$W/bundles/legacy.out"; then
  ok=$((ok + 1)); echo "bundle legacy (no manifest): ok, scored with a warning" >&2
else
  echo "bundle legacy (no manifest): FAILED" >&2; tail -n 5 "$W/bundles/legacy.out" >&2
fi
BUNDLE_CASES="$ok/$n"

# --- 2. a driver killed mid-training, then resumed -------------------------------------------------------------
EPOCHS=60
train() { # model-root, then extra arguments
  local root="$1"; shift
  "$L" train --prepared "$PREPARED" --model-root "$root" --model-name resume --epochs "$EPOCHS" \
    --set catalog.type=in-memory --set train.early-stopping-patience=0 --set train.checkpoint-every=5 \
    --set model.seed=7 "$@"
}
final_loss() { python3 -c 'import json,sys
m = json.load(open(sys.argv[1])); print(m["training"]["loss_curve"][-1]["train_loss"])' "$1/resume/v1/metadata.json"; }
log "training uninterrupted ($EPOCHS epochs)"
train "$W/resume-a" > "$W/resume-a.log" 2>&1 || { tail -n 20 "$W/resume-a.log" >&2; exit 1; }
log "training killed after its checkpoint of epoch 20, then run again"
train "$W/resume-b" > "$W/resume-b1.log" 2>&1 &
pid=$!
killed=no
for _ in $(seq 1 1200); do
  if compgen -G "$W/resume-b/resume/_checkpoints/v1/*" > /dev/null \
     && grep -qE 'epoch (2[0-9]|[3-9][0-9])/' "$W/resume-b1.log"; then
    kill -9 "$pid" 2>/dev/null && killed=yes; break
  fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
wait "$pid" 2>/dev/null
[[ $killed == yes ]] || echo "faults: the first training ended before it could be killed" >&2
train "$W/resume-b" > "$W/resume-b2.log" 2>&1 || { tail -n 20 "$W/resume-b2.log" >&2; exit 1; }
grep -iE 'resum' "$W/resume-b2.log" | head -n 2 >&2
a="$(final_loss "$W/resume-a")"; b="$(final_loss "$W/resume-b")"
RESUME_GAP="$(python3 -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print(f'{abs(a - b) / abs(a):.2e}')" "$a" "$b")"
[[ $killed == yes ]] || RESUME_GAP="not-killed"
echo "resume: uninterrupted final loss $a, killed and resumed $b, relative gap $RESUME_GAP" >&2

# --- 3. an executor killed during an averaging round on a standalone cluster ----------------------------------
log "standalone cluster: an executor killed during training"
export LAKEAD_CLUSTER_DIR="$W/cluster" LAKEAD_CLUSTER_WORKERS=2
trap '"$CLUSTER" stop >/dev/null 2>&1 || true' EXIT
EXECUTOR_KILL=FAILED
if "$CLUSTER" start > "$W/cluster-start.log" 2>&1; then
  eval "$("$CLUSTER" env)"
  ui_port=4077
  LAKEAD_SUBMIT_ARGS="--driver-memory 1g --conf spark.executor.memory=1g --conf spark.cores.max=2 \
--conf spark.ui.port=$ui_port" \
  "$L" train --master "$LAKEAD_MASTER" --prepared "$PREPARED" --model-root "$W/cluster-models" --model-name fault \
    --model-version v1 --epochs 10 --set catalog.type=in-memory --set train.workers=2 \
    --set train.early-stopping-patience=0 --set train.batch-size-per-worker=8 --set train.averaging-frequency=1000 \
    > "$W/cluster-train.log" 2>&1 &
  pid=$!
  acted=no
  for _ in $(seq 1 1500); do
    kill -0 "$pid" 2>/dev/null || break
    app="$(curl -fsS --max-time 2 "http://127.0.0.1:$ui_port/api/v1/applications" 2>/dev/null \
      | python3 -c 'import json,sys; a=json.load(sys.stdin); print(a[0]["id"] if a else "")' 2>/dev/null)"
    if [[ -n "$app" ]] && curl -fsS --max-time 2 "http://127.0.0.1:$ui_port/api/v1/applications/$app/stages?status=active" \
        2>/dev/null | python3 -c 'import json,sys
s = json.load(sys.stdin)
sys.exit(0 if any("ParameterAveragingTrainingMaster" in x["name"] and x["numActiveTasks"] > 0 for x in s) else 1)' 2>/dev/null
    then
      victim="$(pgrep -f "CoarseGrainedExecutorBackend.*$app" | head -n 1)"
      if [[ -n "$victim" ]]; then kill -9 "$victim"; acted=yes; echo "killed executor pid $victim of $app" >&2; break; fi
    fi
    sleep 0.2
  done
  wait "$pid"; rc=$?
  epochs_run="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["training"]["epochs_run"])' \
    "$W/cluster-models/fault/v1/metadata.json" 2>/dev/null || echo 0)"
  echo "cluster training: exit $rc, executor killed: $acted, epochs run $epochs_run/10" >&2
  [[ $rc == 0 && $acted == yes && $epochs_run == 10 && -f "$W/cluster-models/fault/v1/manifest.json" ]] && EXECUTOR_KILL=ok
  [[ $EXECUTOR_KILL == ok ]] || tail -n 20 "$W/cluster-train.log" >&2
else
  tail -n 20 "$W/cluster-start.log" >&2
fi
"$CLUSTER" stop > /dev/null 2>&1; trap - EXIT
unset SPARK_HOME LAKEAD_MASTER

# --- 4. two local jobs at once on the shared local catalog -----------------------------------------------------
log "two local score jobs at once, one local catalog"
CATALOG="--set catalog.dir=$W/shared-metastore"
for t in a b; do
  # shellcheck disable=SC2086
  "$L" score --model "$BUNDLE" --input "$LAKE" --output "$W/concurrent/scores_$t" --table "faults_scores_$t" $CATALOG \
    > "$W/concurrent-$t.log" 2>&1 &
  eval "pid_$t=$!"
done
wait "$pid_a"; rc_a=$?; wait "$pid_b"; rc_b=$?
# shellcheck disable=SC2086
"$L" sql $CATALOG "SHOW TABLES" > "$W/concurrent-tables.log" 2>&1
CONCURRENT=FAILED
if [[ $rc_a == 0 && $rc_b == 0 ]] && grep -q faults_scores_a "$W/concurrent-tables.log" \
   && grep -q faults_scores_b "$W/concurrent-tables.log"; then CONCURRENT=ok
else echo "concurrent jobs: exit $rc_a and $rc_b" >&2; tail -n 5 "$W/concurrent-a.log" "$W/concurrent-b.log" >&2; fi

echo "faults bundle_cases=$BUNDLE_CASES resume_loss_gap=$RESUME_GAP executor_kill_train=$EXECUTOR_KILL concurrent_local_jobs=$CONCURRENT"
