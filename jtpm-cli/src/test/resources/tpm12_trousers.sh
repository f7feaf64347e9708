#!/bin/bash
# Runs inside `unshare -m` (a private mount namespace): a /dev of its own whose tpm0 is the jtpm FUSE device file
# ($1), a fresh /var/lib/tpm for tcsd, then TrouSerS' tcsd and tpm-tools against it. Prints "STEP <name> rc=<n>".
device=$1 work=$2
source "$(dirname "$0")/tpm12_tcsd_env.sh"
step version tpm_version
step createek tpm_createek
step takeownership tpm_takeownership -y -z
step getpubek tpm_getpubek -z
step takeownership_again tpm_takeownership -y -z
printf 'sealed by a TPM 1.2\n' > "$work/plain.txt"
step sealdata tpm_sealdata -z -i "$work/plain.txt" -o "$work/sealed.blob"
step unsealdata tpm_unsealdata -z -i "$work/sealed.blob" -o "$work/unsealed.txt"
cmp "$work/plain.txt" "$work/unsealed.txt" && echo "UNSEALED SAME"
step sealdata_pcr tpm_sealdata -z -p 0 -p 7 -i "$work/plain.txt" -o "$work/sealed-pcr.blob"
step unsealdata_pcr tpm_unsealdata -z -i "$work/sealed-pcr.blob" -o "$work/unsealed-pcr.txt"
step nvdefine tpm_nvdefine -i 0x00011000 -s 32 -p "OWNERWRITE|OWNERREAD" -y
step nvwrite tpm_nvwrite -i 0x00011000 -d "hello from a TPM 1.2" -z
step nvread tpm_nvread -i 0x00011000 -s 20 -z
step nvdefine_auth tpm_nvdefine -i 0x00011001 -s 16 -p "AUTHWRITE|AUTHREAD" -y --pwda=secret
step nvwrite_auth tpm_nvwrite -i 0x00011001 -d "area secret ok" --password=secret
step nvread_auth tpm_nvread -i 0x00011001 -s 14 --password=secret
step nvread_auth_wrong tpm_nvread -i 0x00011001 -s 14 --password=wrong
step nvinfo tpm_nvinfo
step setenable_status tpm_setenable -z -s
step setenable tpm_setenable -z -e
step setactive_status tpm_setactive -z -s
kill $tcsd_pid
wait $tcsd_pid 2>/dev/null
echo DONE
