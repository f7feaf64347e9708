#!/usr/bin/env bash
# Runs tpm2-pytss' own tests (test/ of a tpm2-pytss source tree, e.g. tag 1.2.0, the version Debian ships) against
# jtpm with Debian's python3-tpm2-pytss:
#
#   contrib/peer-suites/tpm2-pytss-tests.sh TPM2_PYTSS_SRC [unittest or pytest arguments ...]
#
# The suite starts `swtpm socket --tpm2 ...` itself for every test (test/TSS2_BaseTest.py); a `swtpm` first in PATH
# that runs this checkout's `jtpm` puts jtpm there instead, and a directory holding the unversioned
# libtss2-tcti-swtpm.so name the suite dlopens (Debian ships it only in libtss2-dev) is put on LD_LIBRARY_PATH.
# Without arguments: the ESAPI, TCTI, TSS key and crypto tests through unittest, then the FAPI tests through pytest.
# Needs python3-tpm2-pytss and python3-pytest (Debian's /usr/bin/python3).
set -eu
root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
src=${1:?usage: tpm2-pytss-tests.sh TPM2_PYTSS_SRC [test arguments ...]}; shift
src=$(cd "$src" && pwd)
[ -f "$src/test/TSS2_BaseTest.py" ] || { echo "tpm2-pytss-tests: $src/test/TSS2_BaseTest.py not found" >&2; exit 2; }
py=/usr/bin/python3
"$py" -c 'import tpm2_pytss, pytest' 2>/dev/null || { echo "tpm2-pytss-tests: needs python3-tpm2-pytss and python3-pytest" >&2; exit 2; }
tcti=$(ls /usr/lib/*/libtss2-tcti-swtpm.so.0 2>/dev/null | head -1)
[ -n "$tcti" ] || { echo "tpm2-pytss-tests: libtss2-tcti-swtpm.so.0 not found (libtss2-tcti-swtpm0)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/lib"
printf '#!/bin/sh\nexec "%s/jtpm" "$@"\n' "$root" > "$work/bin/swtpm"
chmod +x "$work/bin/swtpm"
ln -s "$tcti" "$work/lib/libtss2-tcti-swtpm.so"
"$root/jtpm" --version >/dev/null    # build on first use here, not inside the first test's two-second wait
cd "$src"
export PATH="$work/bin:$PATH" LD_LIBRARY_PATH="$work/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
if [ $# -gt 0 ]; then rc=0; "$py" -m pytest "$@" || rc=$?; exit $rc; fi
rc=0
"$py" -m unittest test.test_esapi test.test_tcti test.test_tsskey test.test_crypto || rc=1
"$py" -m pytest -q test/test_fapi.py || rc=1
exit $rc
