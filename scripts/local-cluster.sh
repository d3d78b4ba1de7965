#!/usr/bin/env bash
# A Spark standalone cluster on loopback, built from the project's own Maven dependencies:
# one Master and two Workers, each a separate JVM; executors are launched by the Workers.
#
#   scripts/local-cluster.sh start     build the Spark home (if needed), start Master + Workers, wait for them
#   scripts/local-cluster.sh status    print the master URL and the workers the Master knows
#   scripts/local-cluster.sh stop      stop the Workers (and their executors) and the Master
#   scripts/local-cluster.sh env       print the exports that point scripts/lakead at the cluster (and its HDFS)
#   scripts/local-cluster.sh hdfs ARGS Hadoop's file-system shell on the cluster's HDFS, e.g. hdfs -put a.conf /conf/
#
# Then:  eval "$(scripts/local-cluster.sh env)"; scripts/lakead demo --master "$LAKEAD_MASTER" ...
#
# Environment (all optional):
#   LAKEAD_CLUSTER_DIR       state, logs, work dirs, Spark home   (default jobs/target/local-cluster)
#   LAKEAD_CLUSTER_PORT      master RPC port                      (default 7077)
#   LAKEAD_CLUSTER_UI_PORT   master web UI / JSON port            (default 8080)
#   LAKEAD_CLUSTER_WORKERS   number of Workers                    (default 2)
#   LAKEAD_WORKER_CORES      cores per Worker                     (default 1)
#   LAKEAD_WORKER_MEMORY     memory a Worker offers executors     (default 1536m)
#   LAKEAD_CLUSTER_HDFS      1: also start a one-node HDFS (Hadoop's MiniDFSClusterManager: a NameNode and a
#                            DataNode in one JVM) at hdfs://127.0.0.1:$LAKEAD_CLUSTER_HDFS_PORT (default 9000)
#
# The Spark home is a folder whose jars/ links the dependency jars of jobs/target/classpath.txt (Spark, its
# dependencies, and DL4J — everything but lakead's own jars, which come with the shaded application jar) and
# whose bin/spark-submit runs Spark's own launcher from those jars. Needs `mvn -DskipTests package` first.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${LAKEAD_CLUSTER_DIR:-$ROOT/jobs/target/local-cluster}"
PORT="${LAKEAD_CLUSTER_PORT:-7077}"
UI_PORT="${LAKEAD_CLUSTER_UI_PORT:-8080}"
WORKERS="${LAKEAD_CLUSTER_WORKERS:-2}"
CORES="${LAKEAD_WORKER_CORES:-1}"
MEMORY="${LAKEAD_WORKER_MEMORY:-1536m}"
HDFS_PORT="${LAKEAD_CLUSTER_HDFS_PORT:-9000}"
HDFS_URL="hdfs://127.0.0.1:$HDFS_PORT"
SPARK_HOME_DIR="$DIR/spark-home"
MASTER_URL="spark://127.0.0.1:$PORT"

OPENS="--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED \
--add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
--add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
--add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
--add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED \
--add-opens=java.base/sun.util.calendar=ALL-UNNAMED"

die() { echo "local-cluster: $*" >&2; exit 1; }

build_spark_home() {
  local cp="$ROOT/jobs/target/classpath.txt"
  [[ -f "$cp" ]] || die "$cp is missing: run 'mvn -B -DskipTests package' first"
  if [[ -f "$SPARK_HOME_DIR/.built" && "$SPARK_HOME_DIR/.built" -nt "$cp" ]]; then return; fi
  rm -rf "$SPARK_HOME_DIR"
  mkdir -p "$SPARK_HOME_DIR/jars" "$SPARK_HOME_DIR/bin" "$SPARK_HOME_DIR/conf"
  { tr ':' '\n' < "$cp"; echo; } | while read -r jar; do
    [[ -f "$jar" ]] || continue   # (a reactor module's classes folder is no jar)
    case "$(basename "$jar")" in lakead-*) continue ;; esac   # our code comes with the application jar
    ln -sf "$jar" "$SPARK_HOME_DIR/jars/$(basename "$jar")"
  done
  cp "$ROOT/conf/log4j2.properties" "$SPARK_HOME_DIR/conf/log4j2.properties"
  # Java 17 module options for every JVM a Worker launches. Spark adds them itself to a spark-submit driver (client
  # mode) and, through SparkContext, to executors; but a standalone cluster-mode driver is launched by a Worker
  # from the command spark-submit sent, without them. conf/java-opts is where a standalone cluster's admin puts
  # such flags (Spark's launcher reads it for every command it builds), so lakead itself sets none.
  echo "$OPENS" > "$SPARK_HOME_DIR/conf/java-opts"
  # an empty Hadoop site file, as a cluster has one (Hadoop's shell insists); the default file system stays local
  echo '<configuration/>' > "$SPARK_HOME_DIR/conf/core-site.xml"
  # bin/spark-submit: what Spark's bin/spark-class does — its launcher library builds the java command
  # (driver memory, driver options, classpath $SPARK_HOME/conf:$SPARK_HOME/jars/*), then we exec it.
  cat > "$SPARK_HOME_DIR/bin/spark-submit" <<'EOF'
#!/usr/bin/env bash
set -euo pipefail
export SPARK_HOME="${SPARK_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
export SPARK_SCALA_VERSION=2.12
CMD=()
# the launcher prints a marker line first (as in Spark's bin/spark-class), then the command, NUL-separated
while IFS= read -d '' -r ARG; do
  ARG="${ARG#$'\n'}"
  if [[ ${#CMD[@]} -gt 0 || -n "$ARG" ]]; then CMD+=("$ARG"); fi
done < <(
  java -Xmx128m -cp "$SPARK_HOME/jars/*" org.apache.spark.launcher.Main org.apache.spark.deploy.SparkSubmit "$@"
  printf '%d\0' $?)
LAST=$(( ${#CMD[@]} - 1 ))
[[ "${CMD[$LAST]}" == 0 ]] || exit "${CMD[$LAST]}"
exec "${CMD[@]:0:$LAST}"
EOF
  chmod +x "$SPARK_HOME_DIR/bin/spark-submit"
  touch "$SPARK_HOME_DIR/.built"
}

alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

hdfs_classpath() {
  local cp="$ROOT/jobs/target/hdfs-classpath.txt"
  [[ -f "$cp" ]] || die "$cp is missing: run 'mvn -B -DskipTests package' first"
  echo "$SPARK_HOME_DIR/jars/*:$(cat "$cp")"
}

start_hdfs() {
  mkdir -p "$DIR/hdfs"
  rm -f "$DIR/hdfs/details.json"
  # shellcheck disable=SC2086
  ( cd "$DIR/hdfs" && exec nohup java -Xmx512m $OPENS -Dtest.build.data="$DIR/hdfs/data" \
    -Dlog4j2.configurationFile="$SPARK_HOME_DIR/conf/log4j2.properties" -cp "$(hdfs_classpath)" \
    org.apache.hadoop.test.MiniDFSClusterManager -nnport "$HDFS_PORT" -format -datanodes 1 \
    -D dfs.permissions.enabled=false -writeDetails "$DIR/hdfs/details.json" > "$DIR/logs/hdfs.log" 2>&1 ) &
  echo $! > "$DIR/pids/hdfs.pid"
  await "HDFS" "$DIR/pids/hdfs.pid" "$DIR/logs/hdfs.log" hdfs_up
  echo "local-cluster: HDFS up at $HDFS_URL (data $DIR/hdfs/data)"
}

hdfs_up() { [[ -s "$DIR/hdfs/details.json" ]]; }   # the manager writes its details once the DataNode is up

# Hadoop's FsShell (what `hdfs dfs` runs) against the cluster's HDFS.
hdfs_shell() {
  build_spark_home
  java -Xmx256m -Dlog4j2.configurationFile="$SPARK_HOME_DIR/conf/log4j2.properties" \
    -cp "$SPARK_HOME_DIR/conf:$SPARK_HOME_DIR/jars/*" org.apache.hadoop.fs.FsShell -fs "$HDFS_URL" "$@"
}

master_json() { curl -fsS --max-time 2 "http://127.0.0.1:$UI_PORT/json/" 2>/dev/null; }

alive_workers() { master_json | grep -o '"state" *: *"ALIVE"' | wc -l; }

start() {
  build_spark_home
  mkdir -p "$DIR/logs" "$DIR/pids"
  if alive "$DIR/pids/master.pid"; then die "already running (pid $(cat "$DIR/pids/master.pid")); stop it first"; fi
  export SPARK_HOME="$SPARK_HOME_DIR" SPARK_SCALA_VERSION=2.12 SPARK_LOCAL_IP=127.0.0.1
  # shellcheck disable=SC2086
  nohup java -Xmx512m $OPENS -Dlog4j2.configurationFile="$SPARK_HOME_DIR/conf/log4j2.properties" \
    -cp "$SPARK_HOME_DIR/conf:$SPARK_HOME_DIR/jars/*" org.apache.spark.deploy.master.Master \
    --host 127.0.0.1 --port "$PORT" --webui-port "$UI_PORT" > "$DIR/logs/master.log" 2>&1 &
  echo $! > "$DIR/pids/master.pid"
  for i in $(seq 1 "$WORKERS"); do
    mkdir -p "$DIR/work-$i"
    # shellcheck disable=SC2086
    nohup java -Xmx512m $OPENS -Dlog4j2.configurationFile="$SPARK_HOME_DIR/conf/log4j2.properties" \
      -cp "$SPARK_HOME_DIR/conf:$SPARK_HOME_DIR/jars/*" org.apache.spark.deploy.worker.Worker \
      --host 127.0.0.1 --webui-port 0 --cores "$CORES" --memory "$MEMORY" --work-dir "$DIR/work-$i" \
      "$MASTER_URL" > "$DIR/logs/worker-$i.log" 2>&1 &
    echo $! > "$DIR/pids/worker-$i.pid"
  done
  await "the cluster" "$DIR/pids/master.pid" "$DIR/logs/master.log" workers_up
  echo "local-cluster: $MASTER_URL up with $WORKERS workers (UI http://127.0.0.1:$UI_PORT, logs $DIR/logs)"
  if [[ "${LAKEAD_CLUSTER_HDFS:-0}" == 1 ]]; then start_hdfs; fi
}

workers_up() { [[ "$(alive_workers)" -ge "$WORKERS" ]]; }

# await WHAT PIDFILE LOG CHECK...: up to 60 s for CHECK to succeed while PIDFILE's process lives; else the log's
# tail, everything stopped, exit 1.
await() {
  local what="$1" pidfile="$2" log="$3"
  shift 3
  for _ in $(seq 1 120); do
    if "$@"; then return 0; fi
    alive "$pidfile" || break
    sleep 0.5
  done
  echo "local-cluster: $what did not come up; its log:" >&2; tail -n 20 "$log" >&2 || true
  stop; exit 1
}

# Kill a process and, first, its descendants (the executors a Worker launched), by pid.
kill_tree() {
  local pid="$1" sig="$2" child
  for child in $(ps -o pid= --ppid "$pid" 2>/dev/null); do kill_tree "$child" "$sig"; done
  kill "-$sig" "$pid" 2>/dev/null || true
}

stop() {
  local f pid
  for f in "$DIR"/pids/worker-*.pid "$DIR/pids/master.pid" "$DIR/pids/hdfs.pid"; do
    [[ -f "$f" ]] || continue
    pid="$(cat "$f")"
    if kill -0 "$pid" 2>/dev/null; then
      kill_tree "$pid" TERM
      for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill_tree "$pid" KILL
    fi
    rm -f "$f"
  done
  echo "local-cluster: stopped"
}

status() {
  if alive "$DIR/pids/master.pid"; then
    echo "local-cluster: $MASTER_URL running, $(alive_workers) alive workers (UI http://127.0.0.1:$UI_PORT)"
    if alive "$DIR/pids/hdfs.pid"; then echo "local-cluster: HDFS $HDFS_URL running"; fi
  else
    echo "local-cluster: not running"; return 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  env) build_spark_home; echo "export SPARK_HOME='$SPARK_HOME_DIR' SPARK_SCALA_VERSION=2.12 LAKEAD_MASTER='$MASTER_URL'"
       if alive "$DIR/pids/hdfs.pid"; then echo "export LAKEAD_HDFS='$HDFS_URL'"; fi ;;
  hdfs) shift; hdfs_shell "$@" ;;
  *) echo "usage: $0 start|stop|status|env|hdfs ARGS" >&2; exit 2 ;;
esac
