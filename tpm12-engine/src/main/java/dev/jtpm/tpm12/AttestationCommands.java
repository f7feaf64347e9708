package dev.jtpm.tpm12;

import static dev.jtpm.tpm12.Command.CHECK_ALL;
import static dev.jtpm.tpm12.Command.CHECK_NOT_SHUTDOWN;
import static dev.jtpm.tpm12.Command.CHECK_NO_LOCKOUT;
import static dev.jtpm.tpm12.Command.fail;

import java.nio.charset.StandardCharsets;

/**
 * TPM Main Part 3 chapter 16 (TPM_Quote, TPM_Quote2), 23 (TPM_GetTicks) and 6/17 (TPM_ChangeAuthOwner): quotes signed
 * RSASSA-PKCS1-v1_5 over SHA-1 of TPM_QUOTE_INFO / TPM_QUOTE_INFO2 with a signing, legacy or identity key.
 */
final class AttestationCommands {
    private AttestationCommands() {}

    static final int TAG_QUOTE_INFO2 = 0x0036, TAG_CURRENT_TICKS = 0x0014;
    private static final byte[] QUOT = "QUOT".getBytes(StandardCharsets.US_ASCII), QUT2 = "QUT2".getBytes(StandardCharsets.US_ASCII);

    private static Key12 signingKey(Command c, int keyHandle, Command.Auth a) {
        Key12 k = StorageCommands.key(c, keyHandle);
        StorageCommands.keyAuthorize(c, a, k, Tpm12Rc.AUTHFAIL);
        if (k.sigScheme != Key12.SS_RSASSAPKCS1v15_SHA1 && k.sigScheme != Key12.SS_RSASSAPKCS1v15_INFO) fail(Tpm12Rc.INAPPROPRIATE_SIG);
        if (k.keyUsage != Key12.KEY_SIGNING && k.keyUsage != Key12.KEY_LEGACY && k.keyUsage != Key12.KEY_IDENTITY) {
            fail(Tpm12Rc.INVALID_KEYUSAGE);
        }
        return k;
    }

    private static byte[] signSha1(Key12 k, byte[] info) {
        return Crypto12.pkcs1Sign(k.privateKey, StorageCommands.concat(StorageCommands.SHA1_DIGEST_INFO, Crypto12.sha1(info)));
    }

    /** TPM_PCR_COMPOSITE of a selection: the selection, the values' size and the values. */
    private static byte[] composite(Tpm12State st, byte[] selStruct, boolean[] sel) {
        ResponseWriter v = new ResponseWriter();
        for (int i = 0; i < sel.length; i++) if (sel[i]) v.bytes(st.pcrs[i]);
        return new ResponseWriter().bytes(selStruct).sized32(v.toByteArray()).toByteArray();
    }

    /** TPM_Quote (16.5): TPM_PCR_COMPOSITE and the signature of TPM_QUOTE_INFO. */
    static void quote(Command c) {
        int keyHandle = c.in.u32();
        c.paramsStartHere();
        byte[] externalData = c.in.digest();
        int selStart = c.in.position();
        boolean[] sel = PcrCommands.readSelection(c.in);
        byte[] selStruct = c.in.slice(selStart, c.in.position());
        c.checkState(CHECK_ALL);
        c.tag(0, 1);
        Command.Auth a = c.sessionCount() == 1 ? c.auth() : null;
        c.end();
        Key12 k = signingKey(c, keyHandle, a);
        byte[] comp = composite(c.st, selStruct, sel);
        byte[] info = new ResponseWriter().u32(0x01010000).bytes(QUOT).bytes(Crypto12.sha1(comp)).bytes(externalData).toByteArray();
        c.out.bytes(comp).sized32(signSha1(k, info));
    }

    /** TPM_Quote2 (16.6): TPM_PCR_INFO_SHORT (locality of this command), optional TPM_CAP_VERSION_INFO, the signature. */
    static void quote2(Command c) {
        int keyHandle = c.in.u32();
        c.paramsStartHere();
        byte[] externalData = c.in.digest();
        int selStart = c.in.position();
        boolean[] sel = PcrCommands.readSelection(c.in);
        byte[] selStruct = c.in.slice(selStart, c.in.position());
        boolean addVersion = c.in.bool();
        c.checkState(CHECK_ALL);
        c.tag(0, 1);
        Command.Auth a = c.sessionCount() == 1 ? c.auth() : null;
        c.end();
        Key12 k = signingKey(c, keyHandle, a);
        byte[] digest = Crypto12.sha1(composite(c.st, selStruct, sel));
        byte[] pcrInfoShort = new ResponseWriter().bytes(selStruct).u8(1 << c.locality).bytes(digest).toByteArray();
        byte[] version = addVersion ? CapabilityCommands.VERSION_VAL : new byte[0];
        byte[] info = new ResponseWriter().u16(TAG_QUOTE_INFO2).bytes(QUT2).bytes(externalData).bytes(pcrInfoShort).bytes(version)
                .toByteArray();
        c.out.bytes(pcrInfoShort).sized32(version).sized32(signSha1(k, info));
    }

    /** TPM_GetTicks (23.2): TPM_CURRENT_TICKS (microseconds since start-up, tickRate 1, the session's tickNonce). */
    static void getTicks(Command c) {
        c.checkState(CHECK_NOT_SHUTDOWN | CHECK_NO_LOCKOUT);
        c.tag(0);
        c.end();
        c.out.bytes(currentTicks(c));
    }

    private static byte[] currentTicks(Command c) {
        long micros = (c.core.platform.millis().getAsLong() - c.core.tickStart) * 1000L;
        return new ResponseWriter().u16(TAG_CURRENT_TICKS).u32((int) (micros >>> 32)).u32((int) micros).u16(1)
                .bytes(c.core.tickNonce).toByteArray();
    }

    static final int TAG_SIGNINFO = 0x0005;
    private static final byte[] TSTP = "TSTP".getBytes(StandardCharsets.US_ASCII);

    /**
     * TPM_TickStampBlob (23.3): TPM_CURRENT_TICKS and the signature over TPM_SIGN_INFO ("TSTP", antiReplay, digestToStamp
     * ‖ TPM_CURRENT_TICKS). A key without a session must be AUTH_NEVER (TPM_AUTHFAIL); TPM_INVALID_KEYUSAGE,
     * TPM_INAPPROPRIATE_SIG in libtpms' order.
     */
    static void tickStampBlob(Command c) {
        int keyHandle = c.in.u32();
        c.paramsStartHere();
        byte[] antiReplay = c.in.digest();
        byte[] digestToStamp = c.in.digest();
        c.checkState(CHECK_ALL);
        c.tag(0, 1);
        Command.Auth a = c.sessionCount() == 1 ? c.auth() : null;
        c.end();
        Key12 k = StorageCommands.key(c, keyHandle);
        StorageCommands.keyAuthorize(c, a, k, Tpm12Rc.AUTHFAIL);
        if (k.keyUsage != Key12.KEY_SIGNING && k.keyUsage != Key12.KEY_IDENTITY && k.keyUsage != Key12.KEY_LEGACY) {
            fail(Tpm12Rc.INVALID_KEYUSAGE);
        }
        if (k.sigScheme != Key12.SS_RSASSAPKCS1v15_SHA1 && k.sigScheme != Key12.SS_RSASSAPKCS1v15_INFO) fail(Tpm12Rc.INAPPROPRIATE_SIG);
        byte[] ticks = currentTicks(c);
        byte[] data = new ResponseWriter().bytes(digestToStamp).bytes(ticks).toByteArray();
        byte[] info = new ResponseWriter().u16(TAG_SIGNINFO).bytes(TSTP).bytes(antiReplay).sized32(data).toByteArray();
        c.out.bytes(ticks).sized32(signSha1(k, info));
    }

    static final int PID_ADCP = 4;

    /**
     * TPM_ChangeAuth (17.1): a key blob's or a sealed blob's secret, re-encrypted under its parent. AUTH2: the parent
     * under OSAP (whose session decrypts newAuth by ADCP: TPM_BAD_MODE otherwise), then the entity's old secret under
     * OIAP (TPM_AUTH2FAIL). TPM_BAD_PARAMETER (protocolID), TPM_WRONG_ENTITYTYPE, TPM_INVALID_KEYUSAGE (parent),
     * TPM_DECRYPT_ERROR.
     */
    static void changeAuth(Command c) {
        int parentHandle = c.in.u32();
        c.paramsStartHere();
        int protocolId = c.in.u16();
        byte[] encAuth = c.in.digest();
        int entityType = c.in.u16();
        byte[] encData = c.in.sized32();
        c.checkState(CHECK_ALL);
        c.tag(2);
        Command.Auth parentAuth = c.auth();
        Command.Auth entityAuth = c.auth();
        c.end();
        Key12 parent = StorageCommands.key(c, parentHandle);
        byte[] nonceEven = c.session(parentAuth).nonceEven;
        StorageCommands.keyAuthorize(c, parentAuth, parent, Tpm12Rc.AUTHFAIL);
        if (parentAuth.session.protocolId != AuthSession.PID_OSAP) fail(Tpm12Rc.BAD_MODE);
        if (protocolId != PID_ADCP) fail(Tpm12Rc.BAD_PARAMETER);
        if (entityType != Command.ET_DATA && entityType != Command.ET_KEY) fail(Tpm12Rc.WRONG_ENTITYTYPE);
        if (parent.keyUsage != Key12.KEY_STORAGE) fail(Tpm12Rc.INVALID_KEYUSAGE);
        byte[] newAuth = StorageCommands.adip(parentAuth.session, encAuth, nonceEven);
        byte[] plain = Crypto12.oaepDecrypt(parent.privateKey, encData);
        int payload = entityType == Command.ET_KEY ? StorageCommands.PT_ASYM : StorageCommands.PT_SEAL;
        if (plain.length < 21 || plain[0] != payload) fail(Tpm12Rc.INVALID_STRUCTURE);
        byte[] oldAuth = java.util.Arrays.copyOfRange(plain, 1, 21);
        c.authorize(entityAuth, AuthSession.PID_OIAP, oldAuth, Tpm12Rc.AUTH2FAIL);
        System.arraycopy(newAuth, 0, plain, 1, 20);
        c.out.sized32(Crypto12.oaepEncrypt(parent.publicKey(), plain, c.core.platform.entropy()));
    }

    /** TPM_ChangeAuthOwner (17.2): the owner's or the SRK's secret, by ADCP under an owner OSAP session. */
    static void changeAuthOwner(Command c) {
        int protocolId = c.in.u16();
        byte[] encAuth = c.in.digest();
        int entityType = c.in.u16();
        c.checkState(CHECK_ALL);
        c.tag(1);
        Command.Auth a = c.auth();
        c.end();
        byte[] nonceEven = c.session(a).nonceEven;
        OwnershipCommands.ownerAuthorize(c, a);
        if (protocolId != PID_ADCP) fail(Tpm12Rc.BAD_PARAMETER);
        byte[] newAuth = StorageCommands.adip(a.session, encAuth, nonceEven);
        switch (entityType) {
            case Command.ET_OWNER -> c.st.ownerAuth = newAuth;
            case Command.ET_SRK -> {
                Key12 srk = StorageCommands.srk(c);
                srk.usageAuth = newAuth;
                c.st.srkBlob = srk.marshal();
            }
            default -> fail(Tpm12Rc.WRONG_ENTITYTYPE);
        }
        c.permanentChanged = true;
    }
}
