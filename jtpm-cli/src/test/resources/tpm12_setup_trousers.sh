#!/bin/bash
# Runs inside `unshare -m`, as tpm12_trousers.sh: tcsd on the jtpm FUSE device file ($1) serving a state `jtpm setup`
# made (owner password "ooo", EK and platform certificates in NV, nvLocked); tpm-tools list and read the certificates.
device=$1 work=$2
mount --make-rprivate /
mkdir -p "$work/olddev" "$work/tcsd-state"
mount --rbind /dev "$work/olddev"
mount -t tmpfs tmpfs /dev
for n in null zero urandom random tty; do touch /dev/$n; mount --bind "$work/olddev/$n" /dev/$n; done
touch /dev/tpm0
mount --bind "$device" /dev/tpm0
chown tss:tss "$work/tcsd-state"; chmod 700 "$work/tcsd-state"
mount --bind "$work/tcsd-state" /var/lib/tpm
tcsd -f > "$work/tcsd.log" 2>&1 &
tcsd_pid=$!
for i in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/30003) 2>/dev/null && break; sleep 0.1; done
step() { name=$1; shift; "$@"; echo "STEP $name rc=$?"; }
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
