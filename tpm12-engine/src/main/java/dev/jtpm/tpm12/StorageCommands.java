package dev.jtpm.tpm12;

import static dev.jtpm.tpm12.Command.CHECK_ALL;
import static dev.jtpm.tpm12.Command.fail;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Key handles and the storage and key commands of TPM Main Part 3 chapters 10 (TPM_Seal, TPM_Unseal, TPM_UnBind,
 * TPM_CreateWrapKey, TPM_LoadKey2, TPM_GetPubKey) and 13 (TPM_Sign), RSA 2048 with OAEP ("TCPA") wrapping, in
 * libtpms' order of checks. A key's PCR info is checked at every use of the key (libtpms' TPM_KeyHandleEntries_GetKey),
 * except by TPM_OSAP and, for a key with pcrIgnoredOnRead, TPM_GetPubKey; sealed data honours its PCR info.
 */
final class StorageCommands {
    private StorageCommands() {}

    static final int TAG_STORED_DATA12 = 0x0016, TAG_PCR_INFO_LONG = 0x0006;
    static final int PT_ASYM = 1, PT_BIND = 2, PT_SEAL = 5;

    /** The SRK (TPM_KH_SRK); TPM_INVALID_KEYHANDLE without an owner. */
    static Key12 srk(Command c) {
        if (c.st.srkBlob == null) fail(Tpm12Rc.INVALID_KEYHANDLE);
        Key12 k = c.st.srkCache;
        if (k == null) k = c.st.srkCache = Key12.unmarshal(c.st.srkBlob);
        return k;
    }

    /** A loaded key or the SRK for use: TPM_INVALID_KEYHANDLE, TPM_WRONGPCRVAL (its PCR info does not hold). */
    static Key12 key(Command c, int handle) {
        Key12 k = lookup(c, handle);
        k.checkPcrs(c);
        return k;
    }

    /** A loaded key or the SRK whatever its PCRs (TPM_OSAP: libtpms ignores them); TPM_INVALID_KEYHANDLE otherwise. */
    static Key12 lookup(Command c, int handle) {
        if (handle == OwnershipCommands.KH_SRK) return srk(c);
        Key12 k = c.st.keys.get(handle);
        if (k == null) fail(Tpm12Rc.INVALID_KEYHANDLE);
        return k;
    }

    /** A key whose public part is read: its PCRs are checked unless its keyFlags say pcrIgnoredOnRead. */
    static Key12 keyToRead(Command c, int handle) {
        Key12 k = lookup(c, handle);
        if ((k.keyFlags & Key12.FLAG_PCR_IGNORED_ON_READ) == 0) k.checkPcrs(c);
        return k;
    }

    /**
     * The key's authorization: with tag RQU_COMMAND only a key whose authDataUsage is TPM_AUTH_NEVER (else
     * TPM_AUTHFAIL); otherwise the trailer's HMAC with the key's usageAuth.
     */
    static void keyAuthorize(Command c, Command.Auth a, Key12 k, int failRc) {
        if (a == null) {
            if (k.authDataUsage != Key12.AUTH_NEVER) fail(Tpm12Rc.AUTHFAIL);
            return;
        }
        c.authorize(a, 0, k.usageAuth, failRc);
    }

    /** ADIP (Part 1, 13.8): encAuth XOR SHA-1(sharedSecret || nonce) under an OSAP session (else TPM_BAD_MODE). */
    static byte[] adip(AuthSession s, byte[] encAuth, byte[] nonce) {
        if (s.protocolId != AuthSession.PID_OSAP) fail(Tpm12Rc.BAD_MODE);
        byte[] x = Crypto12.sha1(s.sharedSecret, nonce);
        byte[] out = new byte[20];
        for (int i = 0; i < 20; i++) out[i] = (byte) (encAuth[i] ^ x[i]);
        return out;
    }

    /**
     * TPM_CreateWrapKey (10.4): parentHandle, dataUsageAuth, dataMigrationAuth, keyInfo; OSAP on the parent.
     * TPM_INVALID_KEYUSAGE (parent not a storage key, or an identity/authchange key asked), TPM_BAD_KEY_PROPERTY,
     * TPM_WRONGPCRVAL (the parent's PCRs). PCR info is kept with digestAtCreation (and localityAtCreation) set now. Answers the TPM_KEY/TPM_KEY12 with encData = OAEP(parent, TPM_STORE_ASYMKEY).
     */
    static void createWrapKey(Command c) {
        int parentHandle = c.in.u32();
        c.paramsStartHere();
        byte[] encUsage = c.in.digest();
        byte[] encMigration = c.in.digest();
        Key12 k = Key12.read(c.in);
        c.checkState(CHECK_ALL);
        c.tag(1);
        Command.Auth a = c.auth();
        c.end();
        Key12 parent = key(c, parentHandle);
        byte[] nonceEven = c.session(a).nonceEven;
        keyAuthorize(c, a, parent, Tpm12Rc.AUTHFAIL);
        if (parent.keyUsage != Key12.KEY_STORAGE) fail(Tpm12Rc.INVALID_KEYUSAGE);
        if (k.keyUsage == Key12.KEY_IDENTITY) fail(Tpm12Rc.INVALID_KEYUSAGE);
        if (k.keyUsage == Key12.KEY_AUTHCHANGE || k.keyUsage < Key12.KEY_SIGNING || k.keyUsage > Key12.KEY_MIGRATE) {
            fail(Tpm12Rc.BAD_KEY_PROPERTY);
        }
        if ((k.keyFlags & ~0x1f) != 0 || (k.keyFlags & Key12.FLAG_MIGRATABLE) == 0 && (parent.keyFlags & Key12.FLAG_MIGRATABLE) != 0) {
            fail(Tpm12Rc.INVALID_KEYUSAGE);
        }
        checkRsaParams(k);
        if (k.pcr != null) k.setPcr(k.pcr.atCreation(c.st, c.locality));
        AuthSession s = a.session;
        byte[] usageAuth = adip(s, encUsage, nonceEven);
        byte[] migrationAuth = adip(s, encMigration, a.nonceOdd);
        k.setKeyPair(Crypto12.generateRsa(k.keyLength, BigInteger.valueOf(65537), c.core.platform.entropy()));
        k.usageAuth = usageAuth;
        k.migrationAuth = (k.keyFlags & Key12.FLAG_MIGRATABLE) != 0 ? migrationAuth : c.st.tpmProof.clone();
        k.encData = Crypto12.oaepEncrypt(parent.publicKey(), k.storeAsymkey(), c.core.platform.entropy());
        c.out.bytes(k.encode());
    }

    /** The key parameters this TPM makes: RSA 512..2048 in steps of 256... as libtpms: 512, 1024, 2048 only. */
    static void checkRsaParams(Key12 k) {
        if (k.algorithmId != Key12.ALG_RSA) fail(Tpm12Rc.BAD_KEY_PROPERTY);
        if (k.keyLength != 512 && k.keyLength != 1024 && k.keyLength != 2048) fail(Tpm12Rc.BAD_KEY_PROPERTY);
        if (k.numPrimes != 2 || k.exponent.length != 0 && !Arrays.equals(k.exponent, new byte[] {1, 0, 1})) {
            fail(Tpm12Rc.BAD_KEY_PROPERTY);
        }
        switch (k.keyUsage) {
            case Key12.KEY_STORAGE -> {
                if (k.encScheme != Key12.ES_RSAESOAEP_SHA1_MGF1 || k.sigScheme != Key12.SS_NONE || k.keyLength != 2048) {
                    fail(Tpm12Rc.BAD_KEY_PROPERTY);
                }
            }
            case Key12.KEY_SIGNING -> {
                if (k.encScheme != Key12.ES_NONE) fail(Tpm12Rc.BAD_KEY_PROPERTY);
                if (k.sigScheme != Key12.SS_RSASSAPKCS1v15_SHA1 && k.sigScheme != Key12.SS_RSASSAPKCS1v15_DER
                        && k.sigScheme != Key12.SS_RSASSAPKCS1v15_INFO) {
                    fail(Tpm12Rc.BAD_KEY_PROPERTY);
                }
            }
            case Key12.KEY_BIND -> {
                if (k.encScheme != Key12.ES_RSAESOAEP_SHA1_MGF1 && k.encScheme != Key12.ES_RSAESPKCSv15 || k.sigScheme != Key12.SS_NONE) {
                    fail(Tpm12Rc.BAD_KEY_PROPERTY);
                }
            }
            default -> { } // legacy and migrate keys: any of the schemes above
        }
    }

    /**
     * TPM_LoadKey2 (10.5) and TPM_LoadKey: parentHandle, inKey; the parent's authorization. TPM_INVALID_KEYUSAGE
     * (parent not a storage key), TPM_DECRYPT_ERROR (encData not from this parent), TPM_NOSPACE (every slot used).
     * Answers the new handle (LoadKey2: outside the HMAC).
     */
    static void loadKey2(Command c) {
        int parentHandle = c.in.u32();
        c.paramsStartHere();
        Key12 k = Key12.read(c.in);
        c.checkState(CHECK_ALL);
        c.tag(0, 1);
        Command.Auth a = c.sessionCount() == 1 ? c.auth() : null;
        c.end();
        Key12 parent = key(c, parentHandle);
        keyAuthorize(c, a, parent, Tpm12Rc.AUTHFAIL);
        if (parent.keyUsage != Key12.KEY_STORAGE) fail(Tpm12Rc.INVALID_KEYUSAGE);
        checkRsaParams(k);
        byte[] plain = Crypto12.oaepDecrypt(parent.privateKey, k.encData);
        k.loadAsymkey(plain);
        if ((k.keyFlags & Key12.FLAG_MIGRATABLE) == 0 && !MessageDigest.isEqual(k.migrationAuth, c.st.tpmProof)) {
            fail(Tpm12Rc.INVALID_KEYUSAGE);
        }
        if (c.st.keys.size() >= Tpm12State.KEY_SLOTS) fail(Tpm12Rc.NOSPACE);
        int handle = c.core.newHandle(c.st.keys.keySet());
        k.parentHandle = parentHandle;
        k.parentPCRStatus = parent.parentPCRStatus || parent.pcr != null && parent.pcr.releaseUses(0);
        c.st.keys.put(handle, k);
        if (c.ordinal == Ordinal.LoadKey2) c.outHandles.u32(handle);
        else c.out.u32(handle);
    }

    /**
     * TPM_GetPubKey (10.6): TPM_PUBKEY of a loaded key; the SRK's only while readSRKPub is set (TPM_INVALID_KEYHANDLE);
     * TPM_WRONGPCRVAL when the key's PCRs do not hold, unless it has pcrIgnoredOnRead.
     */
    static void getPubKey(Command c) {
        int keyHandle = c.in.u32();
        c.paramsStartHere();
        c.checkState(CHECK_ALL);
        c.tag(0, 1);
        Command.Auth a = c.sessionCount() == 1 ? c.auth() : null;
        c.end();
        Key12 k = keyToRead(c, keyHandle);
        if (a != null || k.authDataUsage == Key12.AUTH_ALWAYS) keyAuthorize(c, a, k, Tpm12Rc.AUTHFAIL);
        if (keyHandle == OwnershipCommands.KH_SRK && !c.st.pf[Tpm12State.PF_READ_SRK_PUB]) fail(Tpm12Rc.INVALID_KEYHANDLE);
        c.out.bytes(k.pubkey());
    }

    /** TPM_PCR_COMPOSITE's digest over the selected PCRs' current values. */
    static byte[] compositeDigest(Tpm12State st, byte[] selectionStruct, boolean[] sel) {
        ResponseWriter values = new ResponseWriter();
        for (int i = 0; i < sel.length; i++) if (sel[i]) values.bytes(st.pcrs[i]);
        byte[] v = values.toByteArray();
        return Crypto12.sha1(selectionStruct, Command.u32(v.length), v);
    }

    /** A parsed TPM_PCR_INFO or TPM_PCR_INFO_LONG (release selection, locality and digest). */
    record PcrInfo(boolean isLong, byte[] releaseSelection, boolean[] release, int localityAtRelease, byte[] digestAtRelease) {}

    static PcrInfo readPcrInfo(byte[] info) {
        CommandReader r = new CommandReader(info, 0, info.length);
        if (info.length >= 2 && (info[0] & 0xff) << 8 == 0 && (info[1] & 0xff) == TAG_PCR_INFO_LONG) {
            r.u16();
            r.u8();                                   // localityAtCreation
            int locRelease = r.u8();
            PcrCommands.readSelection(r);             // creationPCRSelection
            int start = r.position();
            boolean[] release = PcrCommands.readSelection(r);
            byte[] relSel = r.slice(start, r.position());
            r.digest();                               // digestAtCreation
            byte[] atRelease = r.digest();
            if (r.remaining() != 0) fail(Tpm12Rc.BAD_PARAM_SIZE);
            if (locRelease == 0 || (locRelease & ~0x1f) != 0) fail(Tpm12Rc.INVALID_PCR_INFO);
            return new PcrInfo(true, relSel, release, locRelease, atRelease);
        }
        int start = r.position();
        boolean[] sel = PcrCommands.readSelection(r);
        byte[] selStruct = r.slice(start, r.position());
        byte[] atRelease = r.digest();
        r.digest();                                   // digestAtCreation
        if (r.remaining() != 0) fail(Tpm12Rc.BAD_PARAM_SIZE);
        return new PcrInfo(false, selStruct, sel, 0x1f, atRelease);
    }

    /**
     * TPM_Seal (10.1): keyHandle (a storage key), encAuth (ADIP under OSAP), pcrInfo (TPM_PCR_INFO, or TPM_PCR_INFO_LONG
     * for a TPM_STORED_DATA12), inData. The digestAtCreation is set from the current PCRs.
     */
    static void seal(Command c) {
        int keyHandle = c.in.u32();
        c.paramsStartHere();
        byte[] encAuth = c.in.digest();
        byte[] pcrInfo = c.in.sized32();
        byte[] data = c.in.sized32();
        c.checkState(CHECK_ALL);
        c.tag(1);
        Command.Auth a = c.auth();
        c.end();
        Key12 k = key(c, keyHandle);
        byte[] nonceEven = c.session(a).nonceEven;
        keyAuthorize(c, a, k, Tpm12Rc.AUTHFAIL);
        if (k.keyUsage != Key12.KEY_STORAGE) fail(Tpm12Rc.INVALID_KEYUSAGE);
        byte[] dataAuth = adip(a.session, encAuth, nonceEven);
        boolean is12 = false;
        byte[] sealInfo = pcrInfo;
        if (pcrInfo.length != 0) {
            PcrInfo pi = readPcrInfo(pcrInfo);
            is12 = pi.isLong();
            // digestAtCreation := the composite of the (release) selection now
            byte[] now = compositeDigest(c.st, pi.releaseSelection(), pi.release());
            sealInfo = pcrInfo.clone();
            int atCreation = pcrInfo.length - 40;
            if (pi.isLong()) System.arraycopy(now, 0, sealInfo, atCreation, 20);
            else System.arraycopy(now, 0, sealInfo, pcrInfo.length - 20, 20);
        }
        byte[] head = is12 ? new ResponseWriter().u16(TAG_STORED_DATA12).u16(Command.ET_DATA).sized32(sealInfo).toByteArray()
                : new ResponseWriter().u32(0x01010000).sized32(sealInfo).toByteArray();
        byte[] stored = Crypto12.sha1(head, Command.u32(0));
        byte[] sealed = new ResponseWriter().u8(PT_SEAL).bytes(dataAuth).bytes(c.st.tpmProof).bytes(stored).sized32(data).toByteArray();
        byte[] enc = Crypto12.oaepEncrypt(k.publicKey(), sealed, c.core.platform.entropy());
        c.out.bytes(head).sized32(enc);
    }

    /**
     * TPM_Unseal (10.2): parentHandle, inData (TPM_STORED_DATA or TPM_STORED_DATA12); AUTH2 (the key, then the data's
     * secret, OIAP) or AUTH1 for an AUTH_NEVER key. TPM_NOTSEALED_BLOB, TPM_WRONGPCRVAL, TPM_BAD_LOCALITY, TPM_AUTH2FAIL.
     */
    static void unseal(Command c) {
        int parentHandle = c.in.u32();
        c.paramsStartHere();
        int start = c.in.position();
        int first = c.in.u16();
        int second = c.in.u16();
        boolean is12 = first == TAG_STORED_DATA12;
        if (!is12 && (first != 0x0101 || second != 0)) fail(Tpm12Rc.BAD_VERSION);
        byte[] sealInfo = c.in.sized32();
        int headEnd = c.in.position();
        byte[] enc = c.in.sized32();
        byte[] head = c.in.slice(start, headEnd);
        c.checkState(CHECK_ALL);
        c.tag(1, 2);
        Command.Auth keyAuth = c.sessionCount() == 2 ? c.auth() : null;
        Command.Auth dataAuth = c.auth();
        c.end();
        Key12 k = key(c, parentHandle);
        keyAuthorize(c, keyAuth, k, Tpm12Rc.AUTHFAIL);
        if (k.keyUsage != Key12.KEY_STORAGE) fail(Tpm12Rc.INVALID_KEYUSAGE);
        byte[] plain;
        try {
            plain = Crypto12.oaepDecrypt(k.privateKey, enc);
        } catch (Tpm12Failure f) {
            throw new Tpm12Failure(Tpm12Rc.NOTSEALED_BLOB); // libtpms: a blob this key did not seal
        }
        CommandReader r = new CommandReader(plain, 0, plain.length);
        byte[] secretAuth;
        byte[] data;
        try {
            if (r.u8() != PT_SEAL) fail(Tpm12Rc.NOTSEALED_BLOB);
            secretAuth = r.digest();
            byte[] proof = r.digest();
            byte[] stored = r.digest();
            data = r.sized32();
            if (!MessageDigest.isEqual(proof, c.st.tpmProof)) fail(Tpm12Rc.NOTSEALED_BLOB);
            if (!MessageDigest.isEqual(stored, Crypto12.sha1(head, Command.u32(0)))) fail(Tpm12Rc.NOTSEALED_BLOB);
        } catch (Tpm12Failure f) {
            throw f.rc() == Tpm12Rc.BAD_PARAM_SIZE ? new Tpm12Failure(Tpm12Rc.NOTSEALED_BLOB) : f;
        }
        if (sealInfo.length != 0) {
            PcrInfo pi = readPcrInfo(sealInfo);
            if (!MessageDigest.isEqual(compositeDigest(c.st, pi.releaseSelection(), pi.release()), pi.digestAtRelease())) {
                fail(Tpm12Rc.WRONGPCRVAL);
            }
            if ((pi.localityAtRelease() & 1 << c.locality) == 0) fail(Tpm12Rc.BAD_LOCALITY);
        }
        c.authorize(dataAuth, AuthSession.PID_OIAP, secretAuth, keyAuth == null ? Tpm12Rc.AUTHFAIL : Tpm12Rc.AUTH2FAIL);
        c.out.sized32(data);
    }

    /** TPM_UnBind (10.3): a bind or legacy key; OAEP data must be a TPM_BOUND_DATA (payload TPM_PT_BIND). */
    static void unBind(Command c) {
        int keyHandle = c.in.u32();
        c.paramsStartHere();
        byte[] in = c.in.sized32();
        c.checkState(CHECK_ALL);
        c.tag(0, 1);
        Command.Auth a = c.sessionCount() == 1 ? c.auth() : null;
        c.end();
        Key12 k = key(c, keyHandle);
        keyAuthorize(c, a, k, Tpm12Rc.AUTHFAIL);
        if (k.keyUsage != Key12.KEY_BIND && k.keyUsage != Key12.KEY_LEGACY) fail(Tpm12Rc.INVALID_KEYUSAGE);
        byte[] out;
        if (k.encScheme == Key12.ES_RSAESOAEP_SHA1_MGF1) {
            byte[] p = Crypto12.oaepDecrypt(k.privateKey, in);
            if (p.length < 5 || p[0] != 1 || p[1] != 1 || p[4] != PT_BIND) fail(Tpm12Rc.INVALID_STRUCTURE);
            out = Arrays.copyOfRange(p, 5, p.length);
        } else if (k.encScheme == Key12.ES_RSAESPKCSv15) {
            out = Crypto12.pkcs1Decrypt(k.privateKey, in);
        } else {
            throw fail(Tpm12Rc.INAPPROPRIATE_ENC);
        }
        c.out.sized32(out);
    }

    static final byte[] SHA1_DIGEST_INFO = java.util.HexFormat.of().parseHex("3021300906052b0e03021a05000414");

    /** TPM_Sign (13.1): a signing or legacy key; SHA1 scheme signs a 20-octet digest, DER signs the octets given. */
    static void sign(Command c) {
        int keyHandle = c.in.u32();
        c.paramsStartHere();
        byte[] area = c.in.sized32();
        c.checkState(CHECK_ALL);
        c.tag(0, 1);
        Command.Auth a = c.sessionCount() == 1 ? c.auth() : null;
        c.end();
        Key12 k = key(c, keyHandle);
        keyAuthorize(c, a, k, Tpm12Rc.AUTHFAIL);
        if (k.keyUsage != Key12.KEY_SIGNING && k.keyUsage != Key12.KEY_LEGACY) fail(Tpm12Rc.INVALID_KEYUSAGE);
        byte[] toSign = switch (k.sigScheme) {
            case Key12.SS_RSASSAPKCS1v15_SHA1 -> {
                if (area.length != 20) fail(Tpm12Rc.BAD_PARAMETER);
                yield concat(SHA1_DIGEST_INFO, area);
            }
            case Key12.SS_RSASSAPKCS1v15_DER -> area;
            default -> throw fail(Tpm12Rc.INAPPROPRIATE_SIG);
        };
        if (toSign.length > k.keyLength / 8 - 11) fail(Tpm12Rc.BAD_PARAMETER);
        c.out.sized32(Crypto12.pkcs1Sign(k.privateKey, toSign));
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
