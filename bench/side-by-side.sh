#!/usr/bin/env bash
# Builds jtpm and runs the side-by-side benchmark: jtpm and swtpm (both `socket --tpm2 ...` processes
# on free 127.0.0.1 ports) driven by the same raw-socket client; writes docs/benchmarks.md.
#
#   bench/side-by-side.sh [--no-build] [--jmh] [SideBySide options: --iterations N --warmup N --rounds R
#                          --swtpm PROGRAM --jtpm-launcher --jtpm-jvm-arg ARG --out FILE|-
#                          --keys-only|--no-keys --key-scale F --sessions-only|--no-sessions --session-scale F
#                          --nv-only|--no-nv --nv-scale F --pin none|same|split]
#
# --jmh also runs the brief JMH benchmarks of the in-process engine and writes their section.
set -eu
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
JAVA_HOME=$("$root/bin/find-jdk") || exit 1
export JAVA_HOME
build=1 jmh=0 out="$root/docs/benchmarks.md" args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    --jmh) jmh=1 ;;
    --out) out=${2:?--out needs a value}; shift ;;
    *) args+=("$1") ;;
  esac
  shift
done
command -v swtpm >/dev/null || { echo "side-by-side: swtpm is not installed (apt-get install swtpm)" >&2; exit 1; }
if [ "$build" = 1 ]; then
  (cd "$root" && ./mvnw -q -B -DskipTests -Dmaven.javadoc.skip=true install)
fi
cp="$root/jtpm-bench/target/jtpm-bench.jar:$root/jtpm-bench/target/lib/*"
"$JAVA_HOME/bin/java" -cp "$cp" dev.jtpm.bench.SideBySide --root "$root" --out "$out" "${args[@]}"
if [ "$jmh" = 1 ]; then
  "$JAVA_HOME/bin/java" -cp "$cp" dev.jtpm.bench.EngineJmh --out "$out"
fi
