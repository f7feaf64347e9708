package dev.jtpm.tpm12;

import static dev.jtpm.tpm12.Command.CHECK_ALL;
import static dev.jtpm.tpm12.Command.fail;

/**
 * TPM Main Part 3 chapter 14.1-14.2: TPM_CertifyKey and TPM_CertifyKey2, a signing, identity or legacy key's
 * signature (RSASSA-PKCS1-v1_5, SHA-1) over TPM_CERTIFY_INFO / TPM_CERTIFY_INFO2 describing another loaded key. The
 * checks in libtpms' order, which decides the code a bad command gets. A certified key bound to PCRs has its release
 * values in pcrInfo (TPM_CertifyKey: a TPM_PCR_INFO, or TPM_CERTIFY_INFO2 with a TPM_PCR_INFO_SHORT when PCRs 16 and
 * up or a locality are selected, as libtpms). There are no CMKs, so migrationAuthority is empty.
 */
final class CertifyCommands {
    private CertifyCommands() {}

    static final int TAG_CERTIFY_INFO2 = 0x0029;
    private static final int MIGRATABLE = Key12.FLAG_MIGRATABLE;

    /**
     * TPM_CertifyKey (14.1): handles certHandle, keyHandle; antiReplay. AUTH2: the certifying key's session, then the
     * certified key's (TPM_AUTH2FAIL); AUTH1: the certified key's session, the certifying key must be AUTH_NEVER;
     * none: both keys without authorization (the certified key may be PRIV_USE_ONLY).
     */
    static void certifyKey(Command c) {
        int certHandle = c.in.u32();
        int keyHandle = c.in.u32();
        c.paramsStartHere();
        byte[] antiReplay = c.in.digest();
        c.checkState(CHECK_ALL);
        c.tag(0, 1, 2);
        int sessions = c.sessionCount();
        Command.Auth certAuth = sessions == 2 ? c.auth() : null;
        Command.Auth keyAuth = sessions >= 1 ? c.auth() : null;
        c.end();
        Key12 cert = key(c, certHandle);
        Key12 target = key(c, keyHandle);
        checkCertifier(cert);
        authorize(c, cert, certAuth, true, target, keyAuth, sessions == 2);
        checkKeys(cert, target);
        KeyPcrInfo pcr = target.pcr;
        byte[] info;
        if (pcr != null && (pcr.releaseUses(2) || pcr.localityAtRelease() != KeyPcrInfo.LOC_ALL)) {
            info = certifyInfo2(target, antiReplay);
        } else {
            info = new ResponseWriter().u32(0x01010000).u16(target.keyUsage).u32(target.keyFlags).u8(target.authDataUsage)
                    .bytes(target.parms()).bytes(Crypto12.sha1(target.modulus)).bytes(antiReplay).bool(target.parentPCRStatus)
                    .sized32(pcr == null ? new byte[0] : pcr.certifyPcrInfo()).toByteArray();
        }
        c.out.bytes(info).sized32(sign(cert, info));
    }

    /**
     * TPM_CertifyKey2 (14.2): handles keyHandle, certHandle; migrationPubDigest, antiReplay. AUTH2: the certified key's
     * session, then the certifying key's (TPM_AUTH2FAIL); AUTH1: the certifying key's session, the certified key must
     * be AUTH_NEVER.
     */
    static void certifyKey2(Command c) {
        int keyHandle = c.in.u32();
        int certHandle = c.in.u32();
        c.paramsStartHere();
        c.in.digest(); // migrationPubDigest: used only for CMKs, which jtpm does not make
        byte[] antiReplay = c.in.digest();
        c.checkState(CHECK_ALL);
        c.tag(0, 1, 2);
        int sessions = c.sessionCount();
        Command.Auth keyAuth = sessions == 2 ? c.auth() : null;
        Command.Auth certAuth = sessions >= 1 ? c.auth() : null;
        c.end();
        Key12 target = key(c, keyHandle);
        Key12 cert = key(c, certHandle);
        checkCertifier(cert);
        authorize(c, target, keyAuth, false, cert, certAuth, sessions == 2);
        checkKeys(cert, target);
        byte[] info = certifyInfo2(target, antiReplay);
        c.out.bytes(info).sized32(sign(cert, info));
    }

    /** TPM_CERTIFY_INFO2 of a key (payload TPM_PT_ASYM, pcrInfo a TPM_PCR_INFO_SHORT of its release values or empty). */
    private static byte[] certifyInfo2(Key12 target, byte[] antiReplay) {
        return new ResponseWriter().u16(TAG_CERTIFY_INFO2).u8(0).u8(StorageCommands.PT_ASYM).u16(target.keyUsage)
                .u32(target.keyFlags).u8(target.authDataUsage).bytes(target.parms()).bytes(Crypto12.sha1(target.modulus))
                .bytes(antiReplay).bool(target.parentPCRStatus)
                .sized32(target.pcr == null ? new byte[0] : target.pcr.certifyPcrInfoShort()).u32(0).toByteArray();
    }

    /** 1. The certifying key signs with SHA1 or INFO (TPM_BAD_KEY_PROPERTY). */
    private static void checkCertifier(Key12 cert) {
        if (cert.sigScheme != Key12.SS_RSASSAPKCS1v15_SHA1 && cert.sigScheme != Key12.SS_RSASSAPKCS1v15_INFO) {
            fail(Tpm12Rc.BAD_KEY_PROPERTY);
        }
    }

    /**
     * 2. The first key's session (AUTH2 only), then the second's (TPM_AUTH2FAIL). A key without a session: the
     * certifying key must be AUTH_NEVER, the certified one not AUTH_ALWAYS (TPM_AUTHFAIL).
     */
    private static void authorize(Command c, Key12 first, Command.Auth firstAuth, boolean firstCertifies, Key12 second,
                                  Command.Auth secondAuth, boolean two) {
        if (two) c.authorize(firstAuth, 0, first.usageAuth, Tpm12Rc.AUTHFAIL);
        else withoutSession(first, firstCertifies);
        if (secondAuth != null) c.authorize(secondAuth, 0, second.usageAuth, Tpm12Rc.AUTH2FAIL);
        else withoutSession(second, !firstCertifies);
    }

    private static void withoutSession(Key12 k, boolean certifies) {
        if (certifies ? k.authDataUsage != Key12.AUTH_NEVER : k.authDataUsage == Key12.AUTH_ALWAYS) fail(Tpm12Rc.AUTHFAIL);
    }

    /**
     * A key by handle as libtpms' TPM_KeyHandleEntries_GetKey finds it for these commands: the EK is refused with
     * TPM_KEYNOTFOUND, the owner/revoke/transport/operator/admin handles with TPM_INVALID_RESOURCE.
     */
    private static Key12 key(Command c, int handle) {
        if (handle == OwnershipCommands.KH_EK) fail(Tpm12Rc.KEYNOTFOUND);
        if (handle >= 0x40000001 && handle <= 0x40000005) fail(Tpm12Rc.INVALID_RESOURCE);
        return StorageCommands.key(c, handle);
    }

    /** 3.-5.: an identity key certifies no migratable key; the usages of both keys. */
    private static void checkKeys(Key12 cert, Key12 target) {
        if (cert.keyUsage == Key12.KEY_IDENTITY && (target.keyFlags & MIGRATABLE) != 0) fail(Tpm12Rc.MIGRATEFAIL);
        if (cert.keyUsage != Key12.KEY_SIGNING && cert.keyUsage != Key12.KEY_IDENTITY && cert.keyUsage != Key12.KEY_LEGACY) {
            fail(Tpm12Rc.INVALID_KEYUSAGE);
        }
        switch (target.keyUsage) {
            case Key12.KEY_SIGNING, Key12.KEY_STORAGE, Key12.KEY_IDENTITY, Key12.KEY_BIND, Key12.KEY_LEGACY -> { }
            default -> fail(Tpm12Rc.INVALID_KEYUSAGE);
        }
    }

    private static byte[] sign(Key12 k, byte[] info) {
        return Crypto12.pkcs1Sign(k.privateKey, StorageCommands.concat(StorageCommands.SHA1_DIGEST_INFO, Crypto12.sha1(info)));
    }
}
