package dev.jtpm.tpm12;

import dev.jtpm.types.TpmDevice;
import java.io.IOException;
import java.math.BigInteger;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Random;

/**
 * Client-side TPM 1.2 marshalling over any {@link TpmDevice}: raw commands, OIAP/OSAP sessions with rolling nonces and
 * the HMACs of Part 1, 11 (what TrouSerS' TCS/TSP does), for tests and tools. Response codes are returned, not thrown.
 */
public final class Tpm12Client {
    private final TpmDevice tpm;
    private final Random rng;
    private int locality;

    /** A client of {@code tpm} drawing nonces from {@code rng}. */
    public Tpm12Client(TpmDevice tpm, Random rng) {
        this.tpm = tpm;
        this.rng = rng;
    }

    /** Sends later commands at {@code locality}. */
    public Tpm12Client locality(int locality) {
        this.locality = locality;
        return this;
    }

    /** A response: its code and the octets after the 10-octet header. */
    public record Response(int tag, int rc, byte[] body) {
        /** True for TPM_SUCCESS. */
        public boolean ok() { return rc == 0; }
    }

    /** Builds a command with {@code tag}, {@code ordinal} and {@code params}. */
    public static byte[] command(int tag, int ordinal, byte[] params) {
        return new ResponseWriter().u16(tag).u32(10 + params.length).u32(ordinal).bytes(params).toByteArray();
    }

    /** Sends a complete command. */
    public Response raw(byte[] command) throws IOException {
        byte[] r = tpm.execute(command, locality);
        if (r.length < 10) throw new IOException("short TPM 1.2 response");
        CommandReader in = new CommandReader(r, 0, r.length);
        int tag = in.u16();
        in.u32();
        return new Response(tag, in.u32(), Arrays.copyOfRange(r, 10, r.length));
    }

    /** An unauthorized command. */
    public Response send(int ordinal, byte[] params) throws IOException {
        return raw(command(Ordinal.TAG_RQU_COMMAND, ordinal, params));
    }

    /** Parameter bytes: each argument an Integer (UINT32), a Short (UINT16), a Byte, a Boolean or a byte[]. */
    public static byte[] params(Object... parts) {
        ResponseWriter w = new ResponseWriter();
        for (Object p : parts) {
            switch (p) {
                case Integer i -> w.u32(i);
                case Short s -> w.u16(s);
                case Byte b -> w.u8(b);
                case Boolean b -> w.bool(b);
                case byte[] b -> w.bytes(b);
                default -> throw new IllegalArgumentException("unsupported parameter " + p);
            }
        }
        return w.toByteArray();
    }

    /** An OIAP or OSAP session as the caller holds it. */
    public static final class Session {
        /** The handle. */
        public final int handle;
        byte[] nonceEven;
        final byte[] key; // OSAP shared secret, or null for OIAP

        Session(int handle, byte[] nonceEven, byte[] key) {
            this.handle = handle;
            this.nonceEven = nonceEven;
            this.key = key;
        }
    }

    /** TPM_OIAP. */
    public Session oiap() throws IOException {
        Response r = send(Ordinal.OIAP, new byte[0]);
        if (!r.ok()) throw new IOException("TPM_OIAP: " + Integer.toHexString(r.rc()));
        return new Session(u32(r.body(), 0), Arrays.copyOfRange(r.body(), 4, 24), null);
    }

    /** TPM_OSAP for an entity whose secret is {@code entityAuth}. */
    public Session osap(int entityType, int entityValue, byte[] entityAuth) throws IOException {
        byte[] nonceOddOsap = nonce();
        Response r = send(Ordinal.OSAP, params((short) entityType, entityValue, nonceOddOsap));
        if (!r.ok()) throw new IOException("TPM_OSAP: " + Integer.toHexString(r.rc()));
        byte[] nonceEvenOsap = Arrays.copyOfRange(r.body(), 24, 44);
        return new Session(u32(r.body(), 0), Arrays.copyOfRange(r.body(), 4, 24),
                Crypto12.hmac(entityAuth, nonceEvenOsap, nonceOddOsap));
    }

    /**
     * A command authorized by one session: {@code handles} (outside the HMAC), {@code params} (inside), then the trailer
     * with HMAC(key, SHA-1(ordinal || params) || nonceEven || nonceOdd || continue). The session's nonceEven rolls on
     * success; the response HMAC is checked.
     */
    public Response auth1(int ordinal, byte[] handles, byte[] params, Session s, byte[] secret, boolean continueSession)
            throws IOException {
        return auth1Handles(ordinal, handles, params, s, secret, continueSession, 0);
    }

    /** {@link #auth1} for a response that starts with {@code outHandles} handles outside the HMAC (TPM_LoadKey2). */
    public Response auth1Handles(int ordinal, byte[] handles, byte[] params, Session s, byte[] secret, boolean continueSession,
                                 int outHandles) throws IOException {
        byte[] key = s.key != null ? s.key : secret;
        byte[] nonceOdd = nonce();
        byte[] cont = {(byte) (continueSession ? 1 : 0)};
        byte[] digest = Crypto12.sha1(Command.u32(ordinal), params);
        byte[] hmac = Crypto12.hmac(key, digest, s.nonceEven, nonceOdd, cont);
        byte[] body = new ResponseWriter().bytes(handles).bytes(params).u32(s.handle).bytes(nonceOdd).bytes(cont).bytes(hmac)
                .toByteArray();
        Response r = raw(command(Ordinal.TAG_RQU_AUTH1_COMMAND, ordinal, body));
        if (r.ok()) {
            byte[] b = r.body();
            int trailer = b.length - 41;
            byte[] nonceEven = Arrays.copyOfRange(b, trailer, trailer + 20);
            byte[] outDigest = Crypto12.sha1(Command.u32(0), Command.u32(ordinal), Arrays.copyOfRange(b, 4 * outHandles, trailer));
            byte[] expect = Crypto12.hmac(responseKey == null ? key : responseKey, outDigest, nonceEven, nonceOdd,
                    new byte[] {b[trailer + 20]});
            responseKey = null;
            if (!Arrays.equals(expect, Arrays.copyOfRange(b, trailer + 21, trailer + 41))) {
                throw new IOException("response HMAC does not verify");
            }
            s.nonceEven = nonceEven;
            return new Response(r.tag(), 0, Arrays.copyOfRange(b, 0, trailer));
        }
        responseKey = null;
        return r;
    }

    private byte[] responseKey;

    /** The key the next response HMAC is checked with, when it differs from the command's (TakeOwnership). */
    public Tpm12Client expectResponseKey(byte[] key) {
        this.responseKey = key;
        return this;
    }

    /** A fresh nonce. */
    public byte[] nonce() {
        byte[] b = new byte[20];
        rng.nextBytes(b);
        return b;
    }

    /** TPM_KEY_PARMS of an RSA 2048 OAEP storage key with the default exponent. */
    public static byte[] rsa2048OaepParms() {
        byte[] rsa = params(2048, 2, 0);
        return params(Key12.ALG_RSA, (short) Key12.ES_RSAESOAEP_SHA1_MGF1, (short) Key12.SS_NONE, rsa.length, rsa);
    }

    /** TPM_CreateEndorsementKeyPair; returns the response (TPM_PUBKEY ‖ checksum). */
    public Response createEndorsementKeyPair() throws IOException {
        return send(Ordinal.CreateEndorsementKeyPair, params(nonce(), rsa2048OaepParms()));
    }

    /** The RSA public key of a TPM_PUBKEY. */
    public static RSAPublicKey pubkey(byte[] tpmPubkey) {
        CommandReader in = new CommandReader(tpmPubkey, 0, tpmPubkey.length);
        Key12 k = new Key12();
        Key12.readParms(k, in);
        return Crypto12.publicKey(in.sized32(), k.publicExponent());
    }

    /** A TPM_KEY12 template of a non-migratable RSA 2048 storage key (the SRK that tpm_takeownership asks for). */
    public static byte[] srkTemplate() {
        return params((short) Key12.TAG_KEY12, (short) 0, (short) Key12.KEY_STORAGE, 0, (byte) Key12.AUTH_ALWAYS,
                rsa2048OaepParms(), 0, 0, 0);
    }

    /** TPM_TakeOwnership with OIAP: the secrets encrypted to {@code ek}; answers TPM_KEY of the SRK. */
    public Response takeOwnership(RSAPublicKey ek, byte[] ownerAuth, byte[] srkAuth) throws IOException {
        byte[] encOwner = Crypto12.oaepEncrypt(ek, ownerAuth, rng);
        byte[] encSrk = Crypto12.oaepEncrypt(ek, srkAuth, rng);
        byte[] p = params((short) OwnershipCommands.PID_OWNER, encOwner.length, encOwner, encSrk.length, encSrk, srkTemplate());
        return auth1(Ordinal.TakeOwnership, new byte[0], p, oiap(), ownerAuth, false);
    }

    /** ADIP: {@code secret} XOR SHA-1(OSAP shared secret || nonce), for TPM_ENCAUTH parameters. */
    public static byte[] encAuth(Session s, byte[] secret, byte[] nonce) {
        byte[] x = Crypto12.sha1(s.key, nonce);
        byte[] out = new byte[20];
        for (int i = 0; i < 20; i++) out[i] = (byte) (secret[i] ^ x[i]);
        return out;
    }

    /** The session's current nonceEven (for ADIP). */
    public static byte[] nonceEven(Session s) { return s.nonceEven.clone(); }

    /**
     * TPM_Seal under the SRK with an OSAP session: {@code pcrInfo} may be empty. Answers the TPM_STORED_DATA.
     */
    public Response seal(byte[] srkAuth, byte[] dataAuth, byte[] pcrInfo, byte[] data) throws IOException {
        Session s = osap(Command.ET_SRK, OwnershipCommands.KH_SRK, srkAuth);
        byte[] enc = encAuth(s, dataAuth, s.nonceEven);
        return auth1(Ordinal.Seal, params(OwnershipCommands.KH_SRK), params(enc, pcrInfo.length, pcrInfo, data.length, data), s, null,
                false);
    }

    /** TPM_Unseal of {@code stored} under the SRK: AUTH2 with OIAP sessions for the SRK and the data. */
    public Response unseal(byte[] srkAuth, byte[] dataAuth, byte[] stored) throws IOException {
        Session k = oiap(), d = oiap();
        byte[] digest = Crypto12.sha1(Command.u32(Ordinal.Unseal), stored);
        byte[] n1 = nonce(), n2 = nonce();
        byte[] cont = {0};
        byte[] h1 = Crypto12.hmac(srkAuth, digest, k.nonceEven, n1, cont);
        byte[] h2 = Crypto12.hmac(dataAuth, digest, d.nonceEven, n2, cont);
        byte[] body = new ResponseWriter().u32(OwnershipCommands.KH_SRK).bytes(stored).u32(k.handle).bytes(n1).bytes(cont).bytes(h1)
                .u32(d.handle).bytes(n2).bytes(cont).bytes(h2).toByteArray();
        Response r = raw(command(Ordinal.TAG_RQU_AUTH2_COMMAND, Ordinal.Unseal, body));
        if (!r.ok()) return r;
        byte[] b = r.body();
        return new Response(r.tag(), 0, Arrays.copyOf(b, b.length - 82));
    }

    /**
     * A command authorized by two sessions ({@code s1} with {@code secret1}, {@code s2} with {@code secret2}; an OSAP
     * session uses its shared secret), neither continued. Answers the outputs without the trailers (response HMACs are
     * not checked here).
     */
    public Response auth2(int ordinal, byte[] handles, byte[] params, Session s1, byte[] secret1, Session s2, byte[] secret2)
            throws IOException {
        byte[] digest = Crypto12.sha1(Command.u32(ordinal), params);
        byte[] n1 = nonce(), n2 = nonce();
        byte[] cont = {0};
        byte[] h1 = Crypto12.hmac(s1.key != null ? s1.key : secret1, digest, s1.nonceEven, n1, cont);
        byte[] h2 = Crypto12.hmac(s2.key != null ? s2.key : secret2, digest, s2.nonceEven, n2, cont);
        byte[] body = new ResponseWriter().bytes(handles).bytes(params).u32(s1.handle).bytes(n1).bytes(cont).bytes(h1)
                .u32(s2.handle).bytes(n2).bytes(cont).bytes(h2).toByteArray();
        Response r = raw(command(Ordinal.TAG_RQU_AUTH2_COMMAND, ordinal, body));
        if (!r.ok()) return r;
        byte[] b = r.body();
        return new Response(r.tag(), 0, Arrays.copyOf(b, b.length - 82));
    }

    /** RSAES-OAEP with the "TCPA" label to {@code ek} (what a privacy CA does for TPM_ActivateIdentity). */
    public static byte[] encryptToEk(RSAPublicKey ek, byte[] data) {
        return Crypto12.oaepEncrypt(ek, data, new java.security.SecureRandom());
    }

    /** The well-known secret (20 zero octets), what {@code -z} / {@code -y} select in tpm-tools. */
    public static byte[] wellKnownSecret() { return new byte[20]; }

    static int u32(byte[] b, int off) {
        return (b[off] & 0xff) << 24 | (b[off + 1] & 0xff) << 16 | (b[off + 2] & 0xff) << 8 | b[off + 3] & 0xff;
    }

    /** The modulus of an RSA public key as TPM 1.2 stores it. */
    public static byte[] modulus(RSAPublicKey k) {
        return Crypto12.unsigned(k.getModulus(), (k.getModulus().bitLength() + 7) / 8);
    }

    static BigInteger e65537() { return BigInteger.valueOf(65537); }
}
