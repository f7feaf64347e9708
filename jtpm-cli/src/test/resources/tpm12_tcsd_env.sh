# Sourced by the TrouSerS test scripts, which run inside `unshare -m` (a private mount namespace) with $device (the
# jtpm FUSE device file) and $work set: a /dev of its own whose tpm0 is that file, a fresh /var/lib/tpm, TrouSerS' tcsd
# started on it (its pid in $tcsd_pid), and `step NAME CMD...`, which runs CMD and prints "STEP NAME rc=N".
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
