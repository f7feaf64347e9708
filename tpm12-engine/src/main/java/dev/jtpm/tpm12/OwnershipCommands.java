package dev.jtpm.tpm12;

import static dev.jtpm.tpm12.Command.CHECK_ALL;
import static dev.jtpm.tpm12.Command.CHECK_ALLOW_NO_OWNER;
import static dev.jtpm.tpm12.Command.CHECK_ENABLED;
import static dev.jtpm.tpm12.Command.CHECK_NOT_SHUTDOWN;
import static dev.jtpm.tpm12.Command.CHECK_NO_LOCKOUT;
import static dev.jtpm.tpm12.Command.CHECK_OWNER;
import static dev.jtpm.tpm12.Command.fail;

import java.math.BigInteger;

/**
 * TPM Main Part 3 chapters 5 (Admin Opt-in: TPM_SetOwnerInstall, TPM_OwnerSetDisable, TPM_PhysicalEnable/Disable,
 * TPM_PhysicalSetDeactivated), 6 (Admin Ownership: TPM_TakeOwnership, TPM_OwnerClear, TPM_ForceClear,
 * TPM_DisableOwnerClear, TPM_DisableForceClear, TSC_PhysicalPresence, TSC_ResetEstablishmentBit) and 27.x/14
 * (Endorsement Key: TPM_CreateEndorsementKeyPair, TPM_ReadPubek, TPM_OwnerReadPubek, TPM_DisablePubekRead,
 * TPM_OwnerReadInternalPub), each in libtpms' order of checks.
 */
final class OwnershipCommands {
    private OwnershipCommands() {}

    static final int PID_OWNER = 5;
    static final int KH_SRK = 0x40000000, KH_OWNER = 0x40000001, KH_EK = 0x40000006;

    // TSC_PhysicalPresence bits (Part 2, 4.2.5)
    static final int PP_LIFETIME_LOCK = 0x0080, PP_HW_ENABLE = 0x0040, PP_CMD_ENABLE = 0x0020, PP_HW_DISABLE = 0x0200,
            PP_CMD_DISABLE = 0x0100, PP_NOTPRESENT = 0x0010, PP_PRESENT = 0x0008, PP_LOCK = 0x0004, PP_MASK = 0xfc03;

    /** TPM_Global_GetPhysicalPresence: the software flag when CMD-enabled, else the platform's pin when HW-enabled. */
    static boolean physicalPresence(Command c) {
        Tpm12State st = c.st;
        if (st.pf[Tpm12State.PF_PP_CMD_ENABLE] && st.sfPhysicalPresence) return true;
        return st.pf[Tpm12State.PF_PP_HW_ENABLE] && c.core.platform.physicalPresence().getAsBoolean();
    }

    private static void requirePresence(Command c) {
        if (!physicalPresence(c)) fail(Tpm12Rc.BAD_PRESENCE);
    }

    /** TSC_PhysicalPresence (6.x, libtpms TPM_Process_PhysicalPresence): lifetime settings or an assertion, never both. */
    static void tscPhysicalPresence(Command c) {
        int pp = c.in.u16();
        c.checkState(CHECK_NOT_SHUTDOWN | CHECK_NO_LOCKOUT);
        c.tag(0);
        c.end();
        Tpm12State st = c.st;
        if ((pp & PP_MASK) != 0) fail(Tpm12Rc.BAD_PARAMETER);
        int a1 = pp & (PP_LIFETIME_LOCK | PP_HW_ENABLE | PP_CMD_ENABLE | PP_HW_DISABLE | PP_CMD_DISABLE);
        int a2 = pp & (PP_LOCK | PP_PRESENT | PP_NOTPRESENT);
        if (a1 != 0) {
            if (st.pf[Tpm12State.PF_PP_LIFETIME_LOCK] || a2 != 0) fail(Tpm12Rc.BAD_PARAMETER);
            if ((pp & PP_HW_ENABLE) != 0 && (pp & PP_HW_DISABLE) != 0) fail(Tpm12Rc.BAD_PARAMETER);
            if ((pp & PP_CMD_ENABLE) != 0 && (pp & PP_CMD_DISABLE) != 0) fail(Tpm12Rc.BAD_PARAMETER);
            if ((pp & PP_HW_ENABLE) != 0) setFlag(c, Tpm12State.PF_PP_HW_ENABLE, true);
            if ((pp & PP_HW_DISABLE) != 0) setFlag(c, Tpm12State.PF_PP_HW_ENABLE, false);
            if ((pp & PP_CMD_ENABLE) != 0) setFlag(c, Tpm12State.PF_PP_CMD_ENABLE, true);
            if ((pp & PP_CMD_DISABLE) != 0) setFlag(c, Tpm12State.PF_PP_CMD_ENABLE, false);
            if ((pp & PP_LIFETIME_LOCK) != 0) setFlag(c, Tpm12State.PF_PP_LIFETIME_LOCK, true);
        }
        if (a2 != 0) {
            if (!st.pf[Tpm12State.PF_PP_CMD_ENABLE]) fail(Tpm12Rc.BAD_PARAMETER);
            if ((pp & PP_LOCK) != 0 && (pp & PP_PRESENT) != 0) fail(Tpm12Rc.BAD_PARAMETER);
            if ((pp & PP_PRESENT) != 0 && (pp & PP_NOTPRESENT) != 0) fail(Tpm12Rc.BAD_PARAMETER);
            if (st.sfPhysicalPresenceLock) fail(Tpm12Rc.BAD_PARAMETER);
            if ((pp & PP_LOCK) != 0) {
                st.sfPhysicalPresence = false;
                st.sfPhysicalPresenceLock = true;
            }
            if ((pp & PP_PRESENT) != 0) st.sfPhysicalPresence = true;
            if ((pp & PP_NOTPRESENT) != 0) st.sfPhysicalPresence = false;
        }
        if (a1 == 0 && a2 == 0) fail(Tpm12Rc.BAD_PARAMETER);
    }

    private static void setFlag(Command c, int flag, boolean value) {
        if (c.st.pf[flag] != value) {
            c.st.pf[flag] = value;
            c.permanentChanged = true;
        }
    }

    /** TSC_ResetEstablishmentBit: localities 3 and 4 only (TPM_BAD_LOCALITY). */
    static void tscResetEstablishmentBit(Command c) {
        c.checkState(CHECK_NOT_SHUTDOWN | CHECK_NO_LOCKOUT);
        c.tag(0);
        c.end();
        if (c.locality != 3 && c.locality != 4) fail(Tpm12Rc.BAD_LOCALITY);
        setFlag(c, Tpm12State.PF_TPM_ESTABLISHED, false);
    }

    /** TPM_PhysicalEnable (5.3): TPM_BAD_PRESENCE. */
    static void physicalEnable(Command c) {
        c.checkState(CHECK_NOT_SHUTDOWN | CHECK_NO_LOCKOUT);
        c.tag(0);
        c.end();
        requirePresence(c);
        setFlag(c, Tpm12State.PF_DISABLE, false);
    }

    /** TPM_PhysicalDisable (5.4): TPM_BAD_PRESENCE. */
    static void physicalDisable(Command c) {
        c.checkState(CHECK_NOT_SHUTDOWN | CHECK_ENABLED | CHECK_NO_LOCKOUT);
        c.tag(0);
        c.end();
        requirePresence(c);
        setFlag(c, Tpm12State.PF_DISABLE, true);
    }

    /** TPM_PhysicalSetDeactivated (5.5): TPM_BAD_PRESENCE; takes effect at the next Startup(ST_CLEAR). */
    static void physicalSetDeactivated(Command c) {
        boolean state = c.in.bool();
        c.checkState(CHECK_NOT_SHUTDOWN | CHECK_ENABLED | CHECK_NO_LOCKOUT);
        c.tag(0);
        c.end();
        requirePresence(c);
        setFlag(c, Tpm12State.PF_DEACTIVATED, state);
    }

    /** TPM_SetOwnerInstall (5.1): TPM_OWNER_SET, TPM_BAD_PRESENCE. */
    static void setOwnerInstall(Command c) {
        boolean state = c.in.bool();
        c.checkState(CHECK_ALLOW_NO_OWNER);
        c.tag(0);
        c.end();
        if (c.st.ownerInstalled) fail(Tpm12Rc.OWNER_SET);
        requirePresence(c);
        setFlag(c, Tpm12State.PF_OWNERSHIP, state);
    }

    /** TPM_OwnerSetDisable (5.2): owner-authorized. */
    static void ownerSetDisable(Command c) {
        boolean disable = c.in.bool();
        c.checkState(CHECK_NOT_SHUTDOWN | CHECK_OWNER | CHECK_NO_LOCKOUT);
        c.tag(1);
        Command.Auth a = c.auth();
        c.end();
        ownerAuthorize(c, a);
        setFlag(c, Tpm12State.PF_DISABLE, disable);
    }

    static void ownerAuthorize(Command c, Command.Auth a) {
        if (!c.st.ownerInstalled) {
            c.session(a);
            fail(Tpm12Rc.AUTHFAIL);
        }
        c.authorize(a, 0, c.st.ownerAuth, Tpm12Rc.AUTHFAIL);
    }

    /**
     * TPM_TakeOwnership (6.1): TPM_OWNER_SET, TPM_INSTALL_DISABLED, TPM_NO_ENDORSEMENT, TPM_BAD_MODE (not OIAP),
     * TPM_BAD_PARAMETER (protocolID), TPM_DECRYPT_ERROR / TPM_BAD_KEY_PROPERTY (the EK-encrypted secrets),
     * TPM_AUTHFAIL (HMAC keyed with the new owner secret), TPM_INVALID_KEYUSAGE / TPM_BAD_KEY_PROPERTY (srkParams).
     */
    static void takeOwnership(Command c) {
        int protocolId = c.in.u16();
        byte[] encOwnerAuth = c.in.sized32();
        byte[] encSrkAuth = c.in.sized32();
        Key12 srkParams = Key12.read(c.in);
        c.checkState(CHECK_NOT_SHUTDOWN | CHECK_ENABLED | CHECK_NO_LOCKOUT);
        c.tag(1);
        Command.Auth a = c.auth();
        c.end();
        Tpm12State st = c.st;
        if (st.ownerInstalled) fail(Tpm12Rc.OWNER_SET);
        if (!st.pf[Tpm12State.PF_OWNERSHIP]) fail(Tpm12Rc.INSTALL_DISABLED);
        if (st.ekBlob == null) fail(Tpm12Rc.NO_ENDORSEMENT);
        AuthSession s = c.session(a);
        if (s.protocolId != AuthSession.PID_OIAP) fail(Tpm12Rc.BAD_MODE);
        if (protocolId != PID_OWNER) fail(Tpm12Rc.BAD_PARAMETER);
        Key12 ek = Key12.unmarshal(st.ekBlob);
        byte[] ownerSecret = Crypto12.oaepDecrypt(ek.privateKey, encOwnerAuth);
        if (ownerSecret.length != 20) fail(Tpm12Rc.BAD_KEY_PROPERTY);
        c.authorize(a, AuthSession.PID_OIAP, ownerSecret, Tpm12Rc.AUTHFAIL);
        if (srkParams.keyUsage != Key12.KEY_STORAGE || (srkParams.keyFlags & Key12.FLAG_MIGRATABLE) != 0) {
            fail(Tpm12Rc.INVALID_KEYUSAGE);
        }
        if (srkParams.algorithmId != Key12.ALG_RSA || srkParams.encScheme != Key12.ES_RSAESOAEP_SHA1_MGF1
                || srkParams.sigScheme != Key12.SS_NONE || srkParams.keyLength < 2048 || srkParams.exponent.length != 0) {
            fail(Tpm12Rc.BAD_KEY_PROPERTY);
        }
        if (srkParams.keyLength != 2048 || srkParams.numPrimes != 2) fail(Tpm12Rc.BAD_KEY_PROPERTY);
        st.tpmProof = c.core.random(20);
        byte[] srkSecret = Crypto12.oaepDecrypt(ek.privateKey, encSrkAuth);
        if (srkSecret.length != 20) fail(Tpm12Rc.BAD_KEY_PROPERTY);
        Key12 srk = srkParams;
        srk.keyUsage = Key12.KEY_STORAGE;
        srk.setKeyPair(Crypto12.generateRsa(2048, BigInteger.valueOf(65537), c.core.platform.entropy()));
        srk.usageAuth = srkSecret;
        srk.migrationAuth = st.tpmProof.clone();
        srk.encData = new byte[0];
        st.srkBlob = srk.marshal();
        st.srkCache = srk;
        st.ownerAuth = ownerSecret;
        st.ownerInstalled = true;
        st.pf[Tpm12State.PF_READ_PUBEK] = false;
        c.permanentChanged = true;
        c.out.bytes(srk.encode());
    }

    /** TPM_GetCapabilityOwner (7.3): TPM_VERSION 1.1.0.0, the permanent and the volatile flags as bitmaps (bit 0 first). */
    static void getCapabilityOwner(Command c) {
        c.checkState(CHECK_ALL);
        c.tag(1);
        Command.Auth a = c.auth();
        c.end();
        ownerAuthorize(c, a);
        Tpm12State st = c.st;
        int nonVolatile = 0;
        for (int i = 0; i < st.pf.length; i++) if (st.pf[i]) nonVolatile |= 1 << i;
        boolean[] vf = {st.sfDeactivated, st.sfDisableForceClear, st.sfPhysicalPresence, st.sfPhysicalPresenceLock, st.sfGlobalLock};
        int volatileFlags = 0;
        for (int i = 0; i < vf.length; i++) if (vf[i]) volatileFlags |= 1 << i;
        c.out.u32(0x01010000).u32(nonVolatile).u32(volatileFlags);
    }

    /** TPM_OwnerClear (6.2): owner-authorized; TPM_CLEAR_DISABLED. The response is keyed with the old owner secret. */
    static void ownerClear(Command c) {
        c.checkState(CHECK_ALL);
        c.tag(1);
        Command.Auth a = c.auth();
        c.end();
        ownerAuthorize(c, a);
        if (c.st.pf[Tpm12State.PF_DISABLE_OWNER_CLEAR]) fail(Tpm12Rc.CLEAR_DISABLED);
        clear(c);
        a.continueSession = false;
    }

    /** TPM_ForceClear (6.3): TPM_BAD_PRESENCE, TPM_CLEAR_DISABLED (after TPM_DisableForceClear). */
    static void forceClear(Command c) {
        c.checkState(CHECK_ALLOW_NO_OWNER);
        c.tag(0);
        c.end();
        requirePresence(c);
        if (c.st.sfDisableForceClear) fail(Tpm12Rc.CLEAR_DISABLED);
        clear(c);
    }

    /** TPM_OwnerClearCommon: the owner, SRK, proof, keys and sessions go; the flags return to an unowned TPM's. */
    private static void clear(Command c) {
        Tpm12State st = c.st;
        st.keys.clear();
        c.core.resetLockout(); // the TPM_STCLEAR_DATA goes, with authFailCount
        st.ownerAuth = new byte[20];
        st.ownerInstalled = false;
        st.srkBlob = null;
        st.srkCache = null;
        st.tpmProof = new byte[20];
        st.authDir = new byte[20];
        java.util.Map<Integer, AuthSession> keep = new java.util.HashMap<>();
        for (Command.Auth a : c.auths) if (st.sessions.containsKey(a.handle)) keep.put(a.handle, st.sessions.get(a.handle));
        st.sessions.clear();
        st.sessions.putAll(keep); // the response still needs the authorizing session; it ends with this command
        java.util.Arrays.fill(st.counters, null); // released; counterMax keeps the count going up
        st.activeCounter = CounterCommands.COUNT_ID_NULL;
        st.nv.values().removeIf(n -> (n.index & NvIndex12.D_BIT) == 0); // TPM_OwnerClear 12: all but the D-bit indices
        st.pf[Tpm12State.PF_DISABLE] = true;
        st.pf[Tpm12State.PF_DEACTIVATED] = true;
        st.pf[Tpm12State.PF_READ_PUBEK] = true;
        st.pf[Tpm12State.PF_DISABLE_OWNER_CLEAR] = false;
        st.pf[Tpm12State.PF_DISABLE_FULL_DA_LOGIC_INFO] = false;
        st.pf[Tpm12State.PF_ALLOW_MAINTENANCE] = false; // libtpms is built with TPM_NOMAINTENANCE
        st.pf[Tpm12State.PF_READ_SRK_PUB] = false;
        st.pf[Tpm12State.PF_OWNERSHIP] = true;
        st.pf[Tpm12State.PF_OPERATOR] = false;
        st.operatorAuth = new byte[20];
        st.pf[Tpm12State.PF_MAINTENANCE_DONE] = false;
        c.permanentChanged = true;
    }

    /** TPM_DisableOwnerClear (6.4): owner-authorized. */
    static void disableOwnerClear(Command c) {
        c.checkState(CHECK_ALL);
        c.tag(1);
        Command.Auth a = c.auth();
        c.end();
        ownerAuthorize(c, a);
        setFlag(c, Tpm12State.PF_DISABLE_OWNER_CLEAR, true);
    }

    /** TPM_DisableForceClear (6.5): until the next Startup(ST_CLEAR). */
    static void disableForceClear(Command c) {
        c.checkState(CHECK_ALLOW_NO_OWNER);
        c.tag(0);
        c.end();
        c.st.sfDisableForceClear = true;
    }

    /**
     * TPM_CreateEndorsementKeyPair (14.1): TPM_DISABLED_CMD once an EK exists; TPM_BAD_KEY_PROPERTY unless RSA 2048,
     * two primes, the default exponent, OAEP; the EK's sigScheme is TPM_SS_NONE whatever keyInfo asks. Answers TPM_PUBKEY
     * and SHA-1(TPM_PUBKEY || antiReplay).
     */
    static void createEndorsementKeyPair(Command c) {
        byte[] antiReplay = c.in.digest();
        Key12 k = new Key12();
        Key12.readParms(k, c.in);
        c.checkState(CHECK_ALLOW_NO_OWNER);
        c.tag(0);
        c.end();
        Tpm12State st = c.st;
        if (st.ekBlob != null) fail(Tpm12Rc.DISABLED_CMD);
        if (k.algorithmId != Key12.ALG_RSA || k.keyLength != 2048 || k.numPrimes != 2 || k.exponent.length != 0
                || k.encScheme != Key12.ES_RSAESOAEP_SHA1_MGF1) {
            fail(Tpm12Rc.BAD_KEY_PROPERTY);
        }
        k.keyUsage = Key12.KEY_STORAGE;
        k.sigScheme = Key12.SS_NONE;   // keyInfo's other parameters are ignored (14.1 2.c); libtpms sets TPM_SS_NONE
        k.setKeyPair(Crypto12.generateRsa(2048, BigInteger.valueOf(65537), c.core.platform.entropy()));
        st.ekBlob = k.marshal();
        st.pf[Tpm12State.PF_CEKP_USED] = true;
        st.pf[Tpm12State.PF_ENABLE_REVOKE_EK] = false;
        c.permanentChanged = true;
        byte[] pub = k.pubkey();
        c.out.bytes(pub).bytes(Crypto12.sha1(pub, antiReplay));
    }

    /** TPM_ReadPubek (14.3): TPM_DISABLED_CMD (readPubek clear), TPM_NO_ENDORSEMENT. */
    static void readPubek(Command c) {
        byte[] antiReplay = c.in.digest();
        c.checkState(CHECK_ALLOW_NO_OWNER);
        c.tag(0);
        c.end();
        if (!c.st.pf[Tpm12State.PF_READ_PUBEK]) fail(Tpm12Rc.DISABLED_CMD);
        if (c.st.ekBlob == null) fail(Tpm12Rc.NO_ENDORSEMENT);
        byte[] pub = Key12.unmarshal(c.st.ekBlob).pubkey();
        c.out.bytes(pub).bytes(Crypto12.sha1(pub, antiReplay));
    }

    /** TPM_OwnerReadPubek (14.5? deprecated): owner-authorized TPM_PUBKEY of the EK. */
    static void ownerReadPubek(Command c) {
        c.checkState(CHECK_ALL);
        c.tag(1);
        Command.Auth a = c.auth();
        c.end();
        ownerAuthorize(c, a);
        if (c.st.ekBlob == null) fail(Tpm12Rc.NO_ENDORSEMENT);
        c.out.bytes(Key12.unmarshal(c.st.ekBlob).pubkey());
    }

    /** TPM_DisablePubekRead (14.4): owner-authorized. */
    static void disablePubekRead(Command c) {
        c.checkState(CHECK_ALL);
        c.tag(1);
        Command.Auth a = c.auth();
        c.end();
        ownerAuthorize(c, a);
        setFlag(c, Tpm12State.PF_READ_PUBEK, false);
    }

    /** TPM_OwnerReadInternalPub (14.5): TPM_KH_EK or TPM_KH_SRK, else TPM_BAD_PARAMETER. */
    static void ownerReadInternalPub(Command c) {
        int keyHandle = c.in.u32();
        c.checkState(CHECK_ALL);
        c.tag(1);
        Command.Auth a = c.auth();
        c.end();
        ownerAuthorize(c, a);
        if (keyHandle == KH_EK) {
            if (c.st.ekBlob == null) fail(Tpm12Rc.NO_ENDORSEMENT);
            c.out.bytes(Key12.unmarshal(c.st.ekBlob).pubkey());
        } else if (keyHandle == KH_SRK) {
            c.out.bytes(Key12.unmarshal(c.st.srkBlob).pubkey());
        } else {
            fail(Tpm12Rc.BAD_PARAMETER);
        }
    }
}
