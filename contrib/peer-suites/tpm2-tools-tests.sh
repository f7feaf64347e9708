#!/usr/bin/env bash
# Runs tpm2-tools' own integration tests (test/integration/tests/*.sh of a tpm2-tools source tree, e.g. tag 5.4, the
# version Debian ships) against jtpm, or against swtpm as the reference, with the installed tpm2-tools:
#
#   contrib/peer-suites/tpm2-tools-tests.sh [--server jtpm|swtpm] [--out DIR] TPM2_TOOLS_SRC [test.sh ...]
#
# Each test gets a fresh server (`jtpm socket --tpm2` of this checkout, or `swtpm socket --tpm2`) on a fresh state
# directory, with tpm2-abrmd in front of it on a private D-Bus session bus, as the suite is run upstream
# (TPM2_ABRMD); the tools reach it through the tabrmd TCTI. Prints "NAME rc=N" per test (0 pass, 77 skip) and a summary;
# logs in DIR (default: a temp directory). Needs tpm2-tools, tpm2-abrmd, dbus, python3-yaml, and swtpm for --server swtpm.
set -u
root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
server=jtpm out=
while [ $# -gt 0 ]; do
  case "$1" in
    --server) server=${2:?}; shift 2 ;;
    --out) out=${2:?}; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) break ;;
  esac
done
src=${1:?usage: tpm2-tools-tests.sh [--server jtpm|swtpm] [--out DIR] TPM2_TOOLS_SRC [test.sh ...]}; shift
src=$(cd "$src" && pwd)
tests_dir=$src/test/integration/tests
[ -d "$tests_dir" ] || { echo "tpm2-tools-tests: $tests_dir not found (a tpm2-tools source tree?)" >&2; exit 2; }
case "$server" in jtpm|swtpm) ;; *) echo "tpm2-tools-tests: --server jtpm or swtpm" >&2; exit 2 ;; esac
for p in tpm2 tpm2-abrmd dbus-daemon; do command -v "$p" >/dev/null || { echo "tpm2-tools-tests: $p is missing" >&2; exit 2; }; done
[ -n "$out" ] || out=$(mktemp -d)
mkdir -p "$out"
cd "$tests_dir"
[ $# -gt 0 ] || set -- $(ls ./*.sh | sed 's|^\./||')
bus=$(dbus-daemon --session --fork --print-address=1 --print-pid=1) || exit 2
export DBUS_SESSION_BUS_ADDRESS=$(echo "$bus" | sed -n 1p)
dbus_pid=$(echo "$bus" | sed -n 2p)
spid=
trap '[ -n "$spid" ] && kill -9 $spid 2>/dev/null; kill $dbus_pid 2>/dev/null' EXIT
port=${BASEPORT:-24000} pass=0 fail=0 skip=0 failed=()
for t in "$@"; do
  port=$((port + 2)); state=$(mktemp -d)
  if [ "$server" = jtpm ]; then
    "$root/jtpm" socket --tpm2 --server type=tcp,port=$port --ctrl type=tcp,port=$((port + 1)) --tpmstate dir="$state" \
      --flags not-need-init > "$out/$t.server" 2>&1 &
  else
    swtpm socket --tpm2 --server type=tcp,port=$port --ctrl type=tcp,port=$((port + 1)) --tpmstate dir="$state" \
      --flags not-need-init > "$out/$t.server" 2>&1 &
  fi
  spid=$!
  for _ in $(seq 200); do (echo > /dev/tcp/127.0.0.1/$((port + 1))) 2>/dev/null && break; sleep 0.05; done
  ( export PATH="$src/test/integration:$PATH" TPM2TOOLS_TEST_TCTI="tabrmd:bus_type=session,bus_name=com.intel.tss2.Tabrmd$port" \
      TPM2ABRMD_TCTI="--session --dbus-name=com.intel.tss2.Tabrmd$port --tcti=swtpm:host=127.0.0.1,port=$port" \
      TPM2_ABRMD=tpm2-abrmd TPM2_SIM= srcdir="$src" abs_srcdir="$src" abs_builddir="$src" PYTHON=python3
    timeout 300 bash "./$t" > "$out/$t.log" 2>&1 )
  rc=$?
  kill -9 $spid 2>/dev/null; wait $spid 2>/dev/null; spid=; rm -rf "$state"
  echo "$t rc=$rc"
  case $rc in 0) pass=$((pass + 1)) ;; 77) skip=$((skip + 1)) ;; *) fail=$((fail + 1)); failed+=("$t") ;; esac
done
echo "passed $pass, skipped $skip, failed $fail${failed:+: ${failed[*]}} (logs in $out)"
[ $fail -eq 0 ]
