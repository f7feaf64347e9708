#!/bin/bash
# Runs inside `unshare -m`, as tpm12_trousers.sh: tcsd on the jtpm FUSE device file ($1) serving a state `jtpm setup`
# made (owner password "ooo", EK and platform certificates in NV, nvLocked); tpm-tools list and read the certificates.
device=$1 work=$2
source "$(dirname "$0")/tpm12_tcsd_env.sh"
step nvinfo tpm_nvinfo
size=$(tpm_nvinfo -i 0x1000f000 | awk '/Size/ {print $3}')
echo "EKCERT SIZE $size"
step nvread_noauth tpm_nvread -i 0x1000f000 -s "$size" -f "$work/ek-noauth.bin"
step nvread_ekcert tpm_nvread -i 0x1000f000 -s "$size" --password=ooo -f "$work/ek.bin"
tail -c +8 "$work/ek.bin" > "$work/ek.der"
openssl x509 -inform der -in "$work/ek.der" -noout -text | grep -q "2.23.133.8.1" && echo "EKCERT PARSED"
step takeownership_again tpm_takeownership -y -z
kill $tcsd_pid
echo DONE
