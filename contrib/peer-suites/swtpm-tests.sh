#!/usr/bin/env bash
# Runs swtpm's own test suite (tests/ of a swtpm source checkout) against jtpm: the suite's scripts start
# "$SWTPM_EXE socket|chardev ..." and drive it with the real swtpm_ioctl, swtpm_bios, swtpm_setup and swtpm_cert.
#
#   contrib/peer-suites/swtpm-tests.sh SWTPM_SRC_DIR [test ...]
#
# SWTPM_SRC_DIR  a swtpm source tree (git checkout or `git archive vX.Y.Z tests samples` unpacked); it is not
#                modified: tests/ is copied into a work directory beside a fake build tree (src/swtpm/swtpm is jtpm).
# test ...       test scripts of tests/ (default: every test in tests/Makefile.am's TESTS).
#
# Environment:
#   JTPM         the jtpm launcher (default: this checkout's ./jtpm)
#   SETUP        swtpm_setup (default: the installed /usr/bin/swtpm_setup driving jtpm) or "jtpm" (jtpm setup)
#   OUT          where the logs go (default: a new temporary directory), one TEST.log each, plus summary.txt
#   KEEP=1       keep the work directory
# Needs: bash, socat, python3, swtpm-tools (swtpm_ioctl, swtpm_bios, swtpm_setup, swtpm_cert), tpm2-tools for a few.
# The suite binds fixed TCP ports (655xx): only one run at a time (a lock file serializes runs on this machine).
# Exit code: 0 when no test failed (77 = skipped, as automake counts it), 1 otherwise.
set -u
here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
root=$(cd "$here/../.." && pwd)
src=${1:?usage: swtpm-tests.sh SWTPM_SRC_DIR [test ...]}
shift
src=$(cd "$src" && pwd) || exit 2
[ -f "$src/tests/common" ] || { echo "swtpm-tests: $src/tests/common not found: not a swtpm source tree" >&2; exit 2; }
jtpm=${JTPM:-$root/jtpm}
out=${OUT:-$(mktemp -d /tmp/jtpm-swtpm-tests.XXXXXX)}
mkdir -p "$out"
for tool in swtpm_ioctl swtpm_bios swtpm_setup swtpm_cert socat python3; do
  command -v "$tool" >/dev/null || echo "swtpm-tests: warning: $tool not found; tests that need it fail or skip" >&2
done

exec 9>/tmp/jtpm-swtpm-tests.lock
flock -n 9 || { echo "swtpm-tests: another run holds /tmp/jtpm-swtpm-tests.lock (the suite's ports are fixed)" >&2; exit 2; }

# the fake build tree: what the scripts find under abs_top_builddir (src/<tool>/<tool>, tests/test_config, samples/)
work=$(mktemp -d /tmp/jtpm-swtpm-tree.XXXXXX)
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
cp -a "$src/tests" "$work/tests"
sed 's/@TSS_USER@/tss/; s/@TSS_GROUP@/tss/' "$src/tests/test_config.in" > "$work/tests/test_config"
: > "$work/config.h"   # no WITH_CUSE and friends: the CUSE variants skip, as for a swtpm built without CUSE
mkdir -p "$work/src/swtpm" "$work/src/swtpm_setup" "$work/src/swtpm_ioctl" "$work/src/swtpm_bios" "$work/src/swtpm_cert" \
         "$work/samples"
printf '#!/bin/sh\nexec %q "$@"\n' "$jtpm" > "$work/src/swtpm/swtpm"
if [ "${SETUP:-swtpm_setup}" = jtpm ]; then
  printf '#!/bin/sh\nexec %q setup "$@"\n' "$jtpm" > "$work/src/swtpm_setup/swtpm_setup"
else
  printf '#!/bin/sh\nexec %q "$@"\n' "$(command -v swtpm_setup)" > "$work/src/swtpm_setup/swtpm_setup"
fi
for t in swtpm_ioctl swtpm_bios swtpm_cert; do printf '#!/bin/sh\nexec %q "$@"\n' "$(command -v $t)" > "$work/src/$t/$t"; done
chmod +x "$work"/src/*/*
if [ -f "$src/samples/swtpm_setup.conf.in" ]; then
  sed 's#@BINDIR@#/usr/bin#; s#@SYSCONFDIR@#/etc#; s#@DEFAULT_PCR_BANKS@#sha256#' "$src/samples/swtpm_setup.conf.in" \
    > "$work/samples/swtpm_setup.conf"
elif [ -f /etc/swtpm_setup.conf ]; then
  cp /etc/swtpm_setup.conf "$work/samples/swtpm_setup.conf"
fi

if [ $# -eq 0 ]; then
  # automake's TESTS lists: "TESTS = \" / "TESTS += \" up to the first line without a trailing backslash
  mapfile -t tests < <(awk '/^TESTS[ \t]*\+?=/ {on = 1; sub(/^TESTS[ \t]*\+?=/, "")}
    on {cont = ($0 ~ /\\[ \t]*$/); line = $0; gsub(/\\/, "", line); n = split(line, w, /[ \t]+/)
        for (i = 1; i <= n; i++) if (w[i] != "") print w[i]; if (!cont) on = 0}' "$src/tests/Makefile.am" | awk '!seen[$0]++')
else
  tests=("$@")
fi

export SWTPM_EXE="$work/src/swtpm/swtpm" SWTPM_IOCTL="$work/src/swtpm_ioctl/swtpm_ioctl" \
       SWTPM_BIOS="$work/src/swtpm_bios/swtpm_bios" SWTPM_SETUP="$work/src/swtpm_setup/swtpm_setup" \
       SWTPM_CERT="$work/src/swtpm_cert/swtpm_cert" \
       abs_top_testdir="$work/tests" abs_top_builddir="$work" abs_top_srcdir="$work"
cd "$work/tests" || exit 2
pass=0 skip=0 fail=0
: > "$out/summary.txt"
for t in "${tests[@]}"; do
  [ -f "$t" ] || { echo "$t missing" | tee -a "$out/summary.txt"; fail=$((fail + 1)); continue; }
  case "$t" in *.py) runner=python3 ;; *) runner=bash ;; esac
  timeout 900 "$runner" "./$t" > "$out/$t.log" 2>&1
  rc=$?
  case $rc in 0) word=PASS; pass=$((pass + 1)) ;; 77) word=SKIP; skip=$((skip + 1)) ;; *) word="FAIL (rc=$rc)"; fail=$((fail + 1)) ;; esac
  echo "$t $word" | tee -a "$out/summary.txt"
done
echo "swtpm-tests: $pass passed, $skip skipped, $fail failed; logs in $out" | tee -a "$out/summary.txt"
[ "$fail" -eq 0 ]
