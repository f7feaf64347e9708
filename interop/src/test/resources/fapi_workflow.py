#!/usr/bin/python3
"""tpm2-tss FAPI (through Debian's python3-tpm2-pytss) against a TPM on a swtpm-protocol port.

Usage: fapi_workflow.py PORT WORKDIR PROFILE [--policy]
Provisions the TPM (EK, SRK; FAPI salts its sessions with them), creates a signing key and signs,
seals and unseals data, and with --policy creates a key bound to a PCR policy and uses it before and
after a PCR_Extend. Prints one "ok: ..." line per step; exits non-zero on the first failure.
"""
import json
import os
import sys

from tpm2_pytss import FAPI, FAPIConfig

port, workdir, profile = sys.argv[1], sys.argv[2], sys.argv[3]
with_policy = "--policy" in sys.argv[4:]

config = {
    "profile_name": profile,
    "profile_dir": "/etc/tpm2-tss/fapi-profiles/",
    "user_dir": os.path.join(workdir, "user"),
    "system_dir": os.path.join(workdir, "system"),
    "log_dir": os.path.join(workdir, "log"),
    "tcti": f"swtpm:host=127.0.0.1,port={port}",
    "system_pcrs": [],
    "ek_cert_less": "yes",
}
for d in ("user", "system", "log"):
    os.makedirs(os.path.join(workdir, d), exist_ok=True)

with FAPIConfig(**config, temp_dirs=False) as _:
    fapi = FAPI()
    fapi.provision()
    print("ok: provision")
    fapi.create_key("/HS/SRK/sign1", "sign,noda")
    digest = bytes(range(32))
    signature, public_key, _cert = fapi.sign("/HS/SRK/sign1", digest)
    fapi.verify_signature("/HS/SRK/sign1", digest, signature)  # raises when the signature does not verify
    bad = bytes([signature[0] ^ 1]) + signature[1:]
    try:
        fapi.verify_signature("/HS/SRK/sign1", digest, bad)
        print("FAIL: a changed signature verified")
        sys.exit(1)
    except Exception:
        pass
    print("ok: sign and verify")
    fapi.create_seal("/HS/SRK/seal1", data=b"jtpm sealed secret", type_="noda")
    assert fapi.unseal("/HS/SRK/seal1") == b"jtpm sealed secret"
    print("ok: seal and unseal")
    if with_policy:
        policy = {"description": "PCR 16 zero", "policy": [{"type": "POLICYPCR", "pcrs": [
            {"pcr": 16, "hashAlg": "TPM2_ALG_SHA256", "digest": "00" * 32}]}]}
        fapi.import_object("/policy/pcr16", json.dumps(policy))
        fapi.create_seal("/HS/SRK/pcrseal", data=b"bound to pcr 16", policy_path="/policy/pcr16", type_="noda")
        assert fapi.unseal("/HS/SRK/pcrseal") == b"bound to pcr 16"
        print("ok: unseal under a PCR policy")
        fapi.pcr_extend(16, b"change")
        try:
            fapi.unseal("/HS/SRK/pcrseal")
            print("FAIL: unsealed after PCR 16 changed")
            sys.exit(1)
        except Exception as e:
            print("ok: refused after PCR_Extend:", type(e).__name__)
print("ok: done")
