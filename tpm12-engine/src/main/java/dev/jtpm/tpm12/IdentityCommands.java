package dev.jtpm.tpm12;

import static dev.jtpm.tpm12.Command.CHECK_ALL;
import static dev.jtpm.tpm12.Command.fail;

import java.math.BigInteger;
import java.security.MessageDigest;

/**
 * TPM Main Part 3 chapter 15 (Identity Creation and Activation): TPM_MakeIdentity (an identity key under the SRK, the
 * identityBinding signed over TPM_IDENTITY_CONTENTS) and TPM_ActivateIdentity (the EK-encrypted TPM_EK_BLOB_ACTIVATE or
 * TPM_ASYM_CA_CONTENTS, whose idDigest must name the identity key: its session key is released).
 */
final class IdentityCommands {
    private IdentityCommands() {}

    static final int TAG_EK_BLOB = 0x000C, TAG_EK_BLOB_ACTIVATE = 0x002B, EK_TYPE_ACTIVATE = 0x0001;

    /**
     * TPM_MakeIdentity (15.1): AUTH2 (the SRK, then the owner under OSAP, whose session decrypts identityAuth by ADIP) or
     * AUTH1 (the owner) for an AUTH_NEVER SRK. TPM_INVALID_KEYUSAGE / TPM_BAD_KEY_PROPERTY for the key parameters.
     */
    static void makeIdentity(Command c) {
        byte[] encAuth = c.in.digest();
        byte[] labelPrivCaDigest = c.in.digest();
        Key12 k = Key12.read(c.in);
        c.checkState(CHECK_ALL);
        c.tag(1, 2);
        Command.Auth srkAuth = c.sessionCount() == 2 ? c.auth() : null;
        Command.Auth ownerAuth = c.auth();
        c.end();
        Key12 srk = StorageCommands.srk(c);
        StorageCommands.keyAuthorize(c, srkAuth, srk, Tpm12Rc.AUTHFAIL);
        byte[] nonceEven = c.session(ownerAuth).nonceEven;
        if (ownerAuth.session.protocolId != AuthSession.PID_OSAP) fail(Tpm12Rc.BAD_MODE);
        c.authorize(ownerAuth, AuthSession.PID_OSAP, c.st.ownerAuth, srkAuth == null ? Tpm12Rc.AUTHFAIL : Tpm12Rc.AUTH2FAIL);
        if (k.keyUsage != Key12.KEY_IDENTITY || (k.keyFlags & Key12.FLAG_MIGRATABLE) != 0) fail(Tpm12Rc.INVALID_KEYUSAGE);
        if (k.algorithmId != Key12.ALG_RSA || k.keyLength != 2048 || k.numPrimes != 2 || k.exponent.length != 0
                || k.encScheme != Key12.ES_NONE || k.sigScheme != Key12.SS_RSASSAPKCS1v15_SHA1) {
            fail(Tpm12Rc.BAD_KEY_PROPERTY);
        }
        if (k.pcrInfo.length != 0) fail(Tpm12Rc.BAD_PARAMETER);
        byte[] identityAuth = StorageCommands.adip(ownerAuth.session, encAuth, nonceEven);
        k.setKeyPair(Crypto12.generateRsa(2048, BigInteger.valueOf(65537), c.core.platform.entropy()));
        k.usageAuth = identityAuth;
        k.migrationAuth = c.st.tpmProof.clone();
        k.encData = Crypto12.oaepEncrypt(srk.publicKey(), k.storeAsymkey(), c.core.platform.entropy());
        byte[] contents = new ResponseWriter().u32(0x01010000).u32(Ordinal.MakeIdentity).bytes(labelPrivCaDigest).bytes(k.pubkey())
                .toByteArray();
        byte[] binding = Crypto12.pkcs1Sign(k.privateKey,
                StorageCommands.concat(StorageCommands.SHA1_DIGEST_INFO, Crypto12.sha1(contents)));
        c.out.bytes(k.encode()).sized32(binding);
    }

    /**
     * TPM_ActivateIdentity (15.2): AUTH2 (the identity key, then the owner). The blob, decrypted with the EK, is a
     * TPM_EK_BLOB(TPM_EK_BLOB_ACTIVATE) or a TPM_ASYM_CA_CONTENTS; its idDigest must be SHA-1 of the identity key's
     * TPM_PUBKEY (TPM_BAD_PARAMETER); a TPM_EK_BLOB_ACTIVATE's PCR info must hold (TPM_WRONGPCRVAL, TPM_BAD_LOCALITY).
     */
    static void activateIdentity(Command c) {
        int idKeyHandle = c.in.u32();
        c.paramsStartHere();
        byte[] blob = c.in.sized32();
        c.checkState(CHECK_ALL);
        c.tag(1, 2);
        Command.Auth idAuth = c.sessionCount() == 2 ? c.auth() : null;
        Command.Auth ownerAuth = c.auth();
        c.end();
        Key12 id = StorageCommands.key(c, idKeyHandle);
        StorageCommands.keyAuthorize(c, idAuth, id, Tpm12Rc.AUTHFAIL);
        OwnershipCommandsAuth.owner(c, ownerAuth, idAuth == null ? Tpm12Rc.AUTHFAIL : Tpm12Rc.AUTH2FAIL);
        if (id.keyUsage != Key12.KEY_IDENTITY) fail(Tpm12Rc.BAD_PARAMETER); // libtpms (step 3)
        if (c.st.ekBlob == null) fail(Tpm12Rc.NO_ENDORSEMENT);
        byte[] plain = Crypto12.oaepDecrypt(Key12.unmarshal(c.st.ekBlob).privateKey, blob);
        CommandReader r = new CommandReader(plain, 0, plain.length);
        byte[] sessionKey;
        byte[] idDigest;
        if (plain.length >= 2 && plain[0] == 0 && plain[1] == TAG_EK_BLOB) {
            r.u16();
            if (r.u16() != EK_TYPE_ACTIVATE) fail(Tpm12Rc.BAD_TYPE);
            byte[] inner = r.sized32();
            CommandReader a = new CommandReader(inner, 0, inner.length);
            if (a.u16() != TAG_EK_BLOB_ACTIVATE) fail(Tpm12Rc.INVALID_STRUCTURE);
            sessionKey = symmetricKey(a);
            idDigest = a.digest();
            int selStart = a.position();
            boolean[] sel = PcrCommands.readSelection(a);
            byte[] selStruct = a.slice(selStart, a.position());
            int locality = a.u8();
            byte[] atRelease = a.digest();
            boolean any = false;
            for (boolean b : sel) any |= b;
            if (any && !MessageDigest.isEqual(StorageCommands.compositeDigest(c.st, selStruct, sel), atRelease)) fail(Tpm12Rc.WRONGPCRVAL);
            if ((locality & 1 << c.locality) == 0) fail(Tpm12Rc.BAD_LOCALITY);
        } else {
            sessionKey = symmetricKey(r);
            idDigest = r.digest();
        }
        if (!MessageDigest.isEqual(idDigest, Crypto12.sha1(id.pubkey()))) fail(Tpm12Rc.BAD_PARAMETER);
        c.out.bytes(sessionKey);
    }

    /** A TPM_SYMMETRIC_KEY (algId, encScheme, UINT16-sized data), returned as read. */
    private static byte[] symmetricKey(CommandReader r) {
        int start = r.position();
        r.u32();
        r.u16();
        r.bytes(r.u16());
        return r.slice(start, r.position());
    }

    /** The owner's authorization of a second session. */
    private static final class OwnershipCommandsAuth {
        static void owner(Command c, Command.Auth a, int failRc) {
            c.authorize(a, 0, c.st.ownerAuth, failRc);
        }
    }
}
