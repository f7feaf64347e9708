package dev.jtpm.tpm12;

import static dev.jtpm.tpm12.Tpm12Client.params;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.platform.NvStore;
import dev.jtpm.engine.platform.Platform;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StorageCommandsTest {
    private Tpm12Client client;
    private RSAPublicKey ekPub;
    private final byte[] owner = filled(1), srkAuth = new byte[20], dataAuth = filled(3), keyAuth = filled(4);

    private static byte[] filled(int v) {
        byte[] b = new byte[20];
        Arrays.fill(b, (byte) v);
        return b;
    }

    @BeforeEach
    void owned() throws Exception {
        Tpm12 tpm = new Tpm12(new Platform(NvStore.inMemory(), () -> 0L, new Random(7)));
        tpm.init();
        client = new Tpm12Client(tpm, new Random(8));
        assertThat(client.send(Ordinal.Startup, params((short) 1)).rc()).isZero();
        Tpm12Client.Response ek = client.createEndorsementKeyPair();
        ekPub = Tpm12Client.pubkey(Arrays.copyOf(ek.body(), ek.body().length - 20));
        assertThat(client.takeOwnership(ekPub, owner, srkAuth).rc()).isZero();
    }

    @Test
    void sealUnseal_withoutPcrs_andWrongDataAuth() throws Exception {
        byte[] secret = "the secret".getBytes(StandardCharsets.US_ASCII);
        Tpm12Client.Response sealed = client.seal(srkAuth, dataAuth, new byte[0], secret);
        assertThat(sealed.rc()).isZero();
        Tpm12Client.Response un = client.unseal(srkAuth, dataAuth, sealed.body());
        assertThat(un.rc()).isZero();
        assertThat(Arrays.copyOfRange(un.body(), 4, un.body().length)).isEqualTo(secret);
        assertThat(client.unseal(srkAuth, filled(9), sealed.body()).rc()).isEqualTo(Tpm12Rc.AUTH2FAIL);
        assertThat(client.unseal(filled(9), dataAuth, sealed.body()).rc()).isEqualTo(Tpm12Rc.AUTHFAIL);
        byte[] tampered = sealed.body().clone();
        tampered[tampered.length - 1] ^= 1;
        assertThat(client.unseal(srkAuth, dataAuth, tampered).rc()).isEqualTo(Tpm12Rc.NOTSEALED_BLOB);
    }

    @Test
    void changeAuth_ofASealedBlob() throws Exception {
        Tpm12Client.Response sealed = client.seal(srkAuth, dataAuth, new byte[0], new byte[] {4, 2});
        byte[] stored = sealed.body();
        // TPM_STORED_DATA: version, sealInfoSize (0), encDataSize, encData
        byte[] encData = Arrays.copyOfRange(stored, 12, stored.length);
        byte[] newAuth = filled(11);
        Tpm12Client.Session parent = client.osap(Command.ET_SRK, OwnershipCommands.KH_SRK, srkAuth);
        byte[] enc = Tpm12Client.encAuth(parent, newAuth, Tpm12Client.nonceEven(parent));
        Tpm12Client.Response changed = client.auth2(Ordinal.ChangeAuth, params(OwnershipCommands.KH_SRK),
                params((short) 4, enc, (short) Command.ET_DATA, encData.length, encData), parent, null, client.oiap(), dataAuth);
        assertThat(changed.rc()).isZero();
        byte[] restored = params(Arrays.copyOf(stored, 8), changed.body());
        assertThat(client.unseal(srkAuth, dataAuth, restored).rc()).isEqualTo(Tpm12Rc.AUTH2FAIL);
        Tpm12Client.Response un = client.unseal(srkAuth, newAuth, restored);
        assertThat(un.rc()).isZero();
        assertThat(Arrays.copyOfRange(un.body(), 4, 6)).containsExactly(4, 2);
        Tpm12Client.Session p2 = client.osap(Command.ET_SRK, OwnershipCommands.KH_SRK, srkAuth);
        assertThat(client.auth2(Ordinal.ChangeAuth, params(OwnershipCommands.KH_SRK),
                params((short) 4, new byte[20], (short) Command.ET_DATA, encData.length, encData), p2, null, client.oiap(), filled(12)).rc())
                .isEqualTo(Tpm12Rc.AUTH2FAIL);
    }

    @Test
    void sealUnseal_boundToPcr() throws Exception {
        byte[] pcr0 = client.send(Ordinal.PcrRead, params(0)).body();
        byte[] sel = params((short) 3, new byte[] {1, 0, 0});
        byte[] composite = Crypto12.sha1(sel, params(20), pcr0);
        byte[] pcrInfo = params(sel, composite, new byte[20]);
        Tpm12Client.Response sealed = client.seal(srkAuth, dataAuth, pcrInfo, new byte[] {1, 2, 3});
        assertThat(sealed.rc()).isZero();
        assertThat(client.unseal(srkAuth, dataAuth, sealed.body()).rc()).isZero();
        client.send(Ordinal.Extend, params(0, new byte[20]));
        assertThat(client.unseal(srkAuth, dataAuth, sealed.body()).rc()).isEqualTo(Tpm12Rc.WRONGPCRVAL);
    }

    private int loadSigningKey() throws Exception {
        byte[] rsa = params(2048, 2, 0);
        byte[] keyInfo = params((short) Key12.TAG_KEY12, (short) 0, (short) Key12.KEY_SIGNING, 0, (byte) Key12.AUTH_ALWAYS,
                params(Key12.ALG_RSA, (short) Key12.ES_NONE, (short) Key12.SS_RSASSAPKCS1v15_SHA1, rsa.length, rsa), 0, 0, 0);
        Tpm12Client.Session s = client.osap(Command.ET_SRK, OwnershipCommands.KH_SRK, srkAuth);
        byte[] enc = Tpm12Client.encAuth(s, keyAuth, Tpm12Client.nonceEven(s));
        Tpm12Client.Response wrapped = client.auth1(Ordinal.CreateWrapKey, params(OwnershipCommands.KH_SRK),
                params(enc, new byte[20], keyInfo), s, null, false);
        Tpm12Client.Response loaded = client.auth1Handles(Ordinal.LoadKey2, params(OwnershipCommands.KH_SRK), wrapped.body(),
                client.oiap(), srkAuth, false, 1);
        return Tpm12Client.u32(loaded.body(), 0);
    }

    @Test
    void quoteAndQuote2_verifyWithTheJdk() throws Exception {
        int handle = loadSigningKey();
        RSAPublicKey signer = Tpm12Client.pubkey(client.auth1(Ordinal.GetPubKey, params(handle), new byte[0], client.oiap(), keyAuth, false).body());
        byte[] nonce = filled(5);
        byte[] sel = params((short) 3, new byte[] {(byte) 0x81, 0, 0}); // PCRs 0 and 7
        Tpm12Client.Response q = client.auth1(Ordinal.Quote, params(handle), params(nonce, sel), client.oiap(), keyAuth, false);
        assertThat(q.rc()).isZero();
        byte[] comp = Arrays.copyOf(q.body(), 5 + 4 + 40);
        byte[] quoteInfo = params(0x01010000, "QUOT".getBytes(StandardCharsets.US_ASCII), Crypto12.sha1(comp), nonce);
        Signature v = Signature.getInstance("SHA1withRSA");
        v.initVerify(signer);
        v.update(quoteInfo);
        assertThat(v.verify(Arrays.copyOfRange(q.body(), comp.length + 4, q.body().length))).isTrue();

        Tpm12Client.Response q2 = client.auth1(Ordinal.Quote2, params(handle), params(nonce, sel, true), client.oiap(), keyAuth, false);
        assertThat(q2.rc()).isZero();
        byte[] pcrInfoShort = Arrays.copyOf(q2.body(), 5 + 1 + 20);
        assertThat(Arrays.copyOfRange(pcrInfoShort, 6, 26)).isEqualTo(Crypto12.sha1(comp));
        int versionSize = Tpm12Client.u32(q2.body(), 26);
        byte[] version = Arrays.copyOfRange(q2.body(), 30, 30 + versionSize);
        byte[] info2 = params((short) 0x36, "QUT2".getBytes(StandardCharsets.US_ASCII), nonce, pcrInfoShort, version);
        v.initVerify(signer);
        v.update(info2);
        assertThat(v.verify(Arrays.copyOfRange(q2.body(), 34 + versionSize, q2.body().length))).isTrue();
        // libtpms checks the signature scheme first: the SRK's is TPM_SS_NONE
        assertThat(client.auth1(Ordinal.Quote, params(OwnershipCommands.KH_SRK), params(nonce, sel), client.oiap(), srkAuth, false).rc())
                .isEqualTo(Tpm12Rc.INAPPROPRIATE_SIG);
    }

    @Test
    void makeIdentity_bindingVerifies_andActivateIdentityReleasesTheSessionKey() throws Exception {
        byte[] rsa = params(2048, 2, 0);
        byte[] idParams = params((short) Key12.TAG_KEY12, (short) 0, (short) Key12.KEY_IDENTITY, 0, (byte) Key12.AUTH_ALWAYS,
                params(Key12.ALG_RSA, (short) Key12.ES_NONE, (short) Key12.SS_RSASSAPKCS1v15_SHA1, rsa.length, rsa), 0, 0, 0);
        byte[] idAuth = filled(8), caDigest = filled(9);
        Tpm12Client.Session srkS = client.oiap(), ownerS = client.osap(Command.ET_OWNER, OwnershipCommands.KH_OWNER, owner);
        byte[] enc = Tpm12Client.encAuth(ownerS, idAuth, Tpm12Client.nonceEven(ownerS));
        Tpm12Client.Response made = client.auth2(Ordinal.MakeIdentity, new byte[0], params(enc, caDigest, idParams), srkS, srkAuth, ownerS, null);
        assertThat(made.rc()).isZero();
        // the TPM_KEY12, then the binding
        int bindingSize = Tpm12Client.u32(made.body(), made.body().length - 256 - 4);
        assertThat(bindingSize).isEqualTo(256);
        byte[] idKey = Arrays.copyOf(made.body(), made.body().length - 260);
        Tpm12Client.Response loaded = client.auth1Handles(Ordinal.LoadKey2, params(OwnershipCommands.KH_SRK), idKey, client.oiap(), srkAuth, false, 1);
        assertThat(loaded.rc()).isZero();
        int handle = Tpm12Client.u32(loaded.body(), 0);
        byte[] pub = client.auth1(Ordinal.GetPubKey, params(handle), new byte[0], client.oiap(), idAuth, false).body();
        Signature v = Signature.getInstance("SHA1withRSA");
        v.initVerify(Tpm12Client.pubkey(pub));
        v.update(params(0x01010000, Ordinal.MakeIdentity, caDigest, pub));
        assertThat(v.verify(Arrays.copyOfRange(made.body(), made.body().length - 256, made.body().length))).isTrue();

        // a privacy CA's answer: TPM_EK_BLOB(TPM_EK_BLOB_ACTIVATE) encrypted to the EK
        byte[] sessionKey = params(6, (short) 0xff, (short) 16, filled(10, 16));
        byte[] noPcrs = params((short) 3, new byte[3], (byte) 0x1f, new byte[20]);
        byte[] activate = params((short) 0x2B, sessionKey, Crypto12.sha1(pub), noPcrs);
        byte[] ekBlob = params((short) 0x0C, (short) 1, activate.length, activate);
        byte[] encBlob = Crypto12.oaepEncrypt(ekPub, ekBlob, new Random(3));
        Tpm12Client.Response act = client.auth2(Ordinal.ActivateIdentity, params(handle), params(encBlob.length, encBlob), client.oiap(), idAuth,
                client.oiap(), owner);
        assertThat(act.rc()).isZero();
        assertThat(act.body()).isEqualTo(sessionKey);
        // TPM 1.1's TPM_ASYM_CA_CONTENTS
        byte[] caContents = params(sessionKey, Crypto12.sha1(pub));
        byte[] enc11 = Crypto12.oaepEncrypt(ekPub, caContents, new Random(4));
        assertThat(client.auth2(Ordinal.ActivateIdentity, params(handle), params(enc11.length, enc11), client.oiap(), idAuth, client.oiap(), owner)
                .body()).isEqualTo(sessionKey);
        // for another identity: refused
        byte[] other = Crypto12.oaepEncrypt(ekPub, params(sessionKey, new byte[20]), new Random(5));
        assertThat(client.auth2(Ordinal.ActivateIdentity, params(handle), params(other.length, other), client.oiap(), idAuth, client.oiap(), owner)
                .rc()).isEqualTo(Tpm12Rc.BAD_PARAMETER);
        assertThat(client.auth2(Ordinal.ActivateIdentity, params(handle), params(enc11.length, enc11), client.oiap(), idAuth, client.oiap(), idAuth)
                .rc()).isEqualTo(Tpm12Rc.AUTH2FAIL);
    }

    private static byte[] filled(int v, int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) v);
        return b;
    }

    @Test
    void saveContextLoadContext_ofAKeyAndASession() throws Exception {
        int handle = loadSigningKey();
        Tpm12Client.Response saved = client.send(Ordinal.SaveContext, params(handle, 1, new byte[16]));
        assertThat(saved.rc()).isZero();
        byte[] blob = Arrays.copyOfRange(saved.body(), 4, saved.body().length);
        assertThat(client.send(Ordinal.FlushSpecific, params(handle, 1)).rc()).isZero();
        Tpm12Client.Response loaded = client.send(Ordinal.LoadContext, params(0, false, blob.length, blob));
        assertThat(loaded.rc()).isZero();
        int again = Tpm12Client.u32(loaded.body(), 0);
        assertThat(client.auth1(Ordinal.Sign, params(again), params(20, new byte[20]), client.oiap(), keyAuth, false).rc()).isZero();
        byte[] tampered = blob.clone();
        tampered[tampered.length - 1] ^= 1;
        assertThat(client.send(Ordinal.LoadContext, params(0, false, tampered.length, tampered)).rc()).isEqualTo(Tpm12Rc.BADCONTEXT);
        // a session: saved out of the TPM, loaded back, still authorizes with its rolling nonce
        Tpm12Client.Session s = client.oiap();
        Tpm12Client.Response ss = client.send(Ordinal.SaveContext, params(s.handle, 2, new byte[16]));
        assertThat(ss.rc()).isZero();
        assertThat(client.send(Ordinal.FlushSpecific, params(s.handle, 2)).rc()).as("saved out").isEqualTo(Tpm12Rc.INVALID_AUTHHANDLE);
        byte[] sb = Arrays.copyOfRange(ss.body(), 4, ss.body().length);
        Tpm12Client.Response sl = client.send(Ordinal.LoadContext, params(s.handle, true, sb.length, sb));
        assertThat(sl.rc()).isZero();
        assertThat(client.auth1(Ordinal.Sign, params(again), params(20, new byte[20]), s, keyAuth, false).rc()).isZero();
    }

    @Test
    void changeAuthOwner_replacesTheOwnerSecret() throws Exception {
        byte[] newOwner = filled(6);
        Tpm12Client.Session s = client.osap(Command.ET_OWNER, OwnershipCommands.KH_OWNER, owner);
        byte[] enc = Tpm12Client.encAuth(s, newOwner, Tpm12Client.nonceEven(s));
        assertThat(client.auth1(Ordinal.ChangeAuthOwner, new byte[0], params((short) 4, enc, (short) Command.ET_OWNER), s, null, false).rc())
                .isZero();
        assertThat(client.auth1(Ordinal.OwnerReadInternalPub, new byte[0], params(OwnershipCommands.KH_SRK), client.oiap(), owner, false).rc())
                .isEqualTo(Tpm12Rc.AUTHFAIL);
        assertThat(client.auth1(Ordinal.OwnerReadInternalPub, new byte[0], params(OwnershipCommands.KH_SRK), client.oiap(), newOwner, false).rc())
                .isZero();
        Tpm12Client.Response ticks = client.send(Ordinal.GetTicks, new byte[0]);
        assertThat(ticks.rc()).isZero();
        assertThat(ticks.body()).hasSize(2 + 8 + 2 + 20);
    }

    @Test
    void createWrapKey_loadKey2_sign_verifiesWithTheJdk() throws Exception {
        byte[] rsa = params(2048, 2, 0);
        byte[] keyInfo = params((short) Key12.TAG_KEY12, (short) 0, (short) Key12.KEY_SIGNING, 0, (byte) Key12.AUTH_ALWAYS,
                params(Key12.ALG_RSA, (short) Key12.ES_NONE, (short) Key12.SS_RSASSAPKCS1v15_SHA1, rsa.length, rsa), 0, 0, 0);
        Tpm12Client.Session s = client.osap(Command.ET_SRK, OwnershipCommands.KH_SRK, srkAuth);
        byte[] enc = Tpm12Client.encAuth(s, keyAuth, Tpm12Client.nonceEven(s));
        // the migration secret is encrypted with nonceOdd, which the client draws: a non-migratable key ignores it
        Tpm12Client.Response wrapped = client.auth1(Ordinal.CreateWrapKey, params(OwnershipCommands.KH_SRK),
                params(enc, new byte[20], keyInfo), s, null, false);
        assertThat(wrapped.rc()).isZero();
        Tpm12Client.Response loaded = client.raw(Tpm12Client.command(0xC2, Ordinal.LoadKey2, new byte[0])); // malformed
        assertThat(loaded.rc()).isEqualTo(Tpm12Rc.BAD_PARAM_SIZE);
        Tpm12Client.Session o = client.oiap();
        loaded = client.auth1Handles(Ordinal.LoadKey2, params(OwnershipCommands.KH_SRK), wrapped.body(), o, srkAuth, false, 1);
        assertThat(loaded.rc()).isZero();
        int handle = Tpm12Client.u32(loaded.body(), 0);
        Tpm12Client.Response pub = client.auth1(Ordinal.GetPubKey, params(handle), new byte[0], client.oiap(), keyAuth, false);
        assertThat(pub.rc()).isZero();
        RSAPublicKey signer = Tpm12Client.pubkey(pub.body());
        byte[] msg = "signed by a TPM 1.2".getBytes(StandardCharsets.US_ASCII);
        Tpm12Client.Response sig = client.auth1(Ordinal.Sign, params(handle), params(20, Crypto12.sha1(msg)), client.oiap(), keyAuth, false);
        assertThat(sig.rc()).isZero();
        Signature v = Signature.getInstance("SHA1withRSA");
        v.initVerify(signer);
        v.update(msg);
        assertThat(v.verify(Arrays.copyOfRange(sig.body(), 4, sig.body().length))).isTrue();
        assertThat(client.auth1(Ordinal.Sign, params(handle), params(20, new byte[20]), client.oiap(), owner, false).rc())
                .isEqualTo(Tpm12Rc.AUTHFAIL);
        assertThat(client.send(Ordinal.FlushSpecific, params(handle, 1)).rc()).isZero();
        assertThat(client.auth1(Ordinal.Sign, params(handle), params(20, new byte[20]), client.oiap(), keyAuth, false).rc())
                .isEqualTo(Tpm12Rc.INVALID_KEYHANDLE);
    }
}
