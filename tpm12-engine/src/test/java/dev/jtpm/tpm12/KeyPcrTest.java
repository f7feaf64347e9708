package dev.jtpm.tpm12;

import static dev.jtpm.tpm12.Tpm12Client.params;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.platform.NvStore;
import dev.jtpm.engine.platform.Platform;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Keys bound to PCRs (TPM_PCR_INFO / TPM_PCR_INFO_LONG in TPM_KEY / TPM_KEY12): created, loaded, enforced at use. */
class KeyPcrTest {
    private Tpm12Client client;
    private final byte[] owner = filled(1), srkAuth = new byte[20], keyAuth = filled(4);
    private static final byte[] SEL16 = params((short) 3, new byte[] {0, 0, 1});
    private static final byte[] NONE = params((short) 3, new byte[] {0, 0, 0});

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
        RSAPublicKey ekPub = Tpm12Client.pubkey(Arrays.copyOf(ek.body(), ek.body().length - 20));
        assertThat(client.takeOwnership(ekPub, owner, srkAuth).rc()).isZero();
    }

    private byte[] pcr16Composite() throws Exception {
        byte[] pcr16 = client.send(Ordinal.PcrRead, params(16)).body();
        return Crypto12.sha1(SEL16, params(20), pcr16);
    }

    private static byte[] pcrInfoLong(int locRelease, byte[] release, byte[] atRelease) {
        return params((short) 6, (byte) 0x1f, (byte) locRelease, SEL16, release, new byte[20], atRelease);
    }

    private static byte[] signingKey(boolean key12, int flags, byte[] pcrInfo) {
        byte[] rsa = params(1024, 2, 0);
        byte[] head = key12 ? params((short) Key12.TAG_KEY12, (short) 0) : params(0x01010000);
        return params(head, (short) Key12.KEY_SIGNING, flags, (byte) Key12.AUTH_ALWAYS,
                params(Key12.ALG_RSA, (short) Key12.ES_NONE, (short) Key12.SS_RSASSAPKCS1v15_SHA1, rsa.length, rsa),
                pcrInfo.length, pcrInfo, 0, 0);
    }

    private Tpm12Client.Response createWrapKey(byte[] keyInfo) throws Exception {
        Tpm12Client.Session s = client.osap(Command.ET_SRK, OwnershipCommands.KH_SRK, srkAuth);
        byte[] enc = Tpm12Client.encAuth(s, keyAuth, Tpm12Client.nonceEven(s));
        return client.auth1(Ordinal.CreateWrapKey, params(OwnershipCommands.KH_SRK), params(enc, new byte[20], keyInfo), s, null, false);
    }

    private int load(byte[] wrapped) throws Exception {
        Tpm12Client.Response loaded = client.auth1Handles(Ordinal.LoadKey2, params(OwnershipCommands.KH_SRK), wrapped,
                client.oiap(), srkAuth, false, 1);
        assertThat(loaded.rc()).isZero();
        return Tpm12Client.u32(loaded.body(), 0);
    }

    private Tpm12Client.Response sign(int handle) throws Exception {
        return client.auth1(Ordinal.Sign, params(handle), params(20, new byte[20]), client.oiap(), keyAuth, false);
    }

    private Tpm12Client.Response getPubKey(int handle) throws Exception {
        return client.auth1(Ordinal.GetPubKey, params(handle), new byte[0], client.oiap(), keyAuth, false);
    }

    @Test
    void keyBoundToPcr16_signsUntilExtended_andAgainAfterReset() throws Exception {
        Tpm12Client.Response wrapped = createWrapKey(signingKey(true, 0, pcrInfoLong(0x1f, SEL16, pcr16Composite())));
        assertThat(wrapped.rc()).isZero();
        int handle = load(wrapped.body());
        Tpm12Client.Response sig = sign(handle);
        assertThat(sig.rc()).isZero();
        RSAPublicKey pub = Tpm12Client.pubkey(getPubKey(handle).body());
        Signature v = Signature.getInstance("NONEwithRSA");
        v.initVerify(pub);
        v.update(params(StorageCommands.SHA1_DIGEST_INFO, new byte[20]));
        assertThat(v.verify(Arrays.copyOfRange(sig.body(), 4, sig.body().length))).isTrue();

        assertThat(client.send(Ordinal.Extend, params(16, filled(9))).rc()).isZero();
        assertThat(sign(handle).rc()).isEqualTo(Tpm12Rc.WRONGPCRVAL);
        assertThat(getPubKey(handle).rc()).isEqualTo(Tpm12Rc.WRONGPCRVAL);
        // OSAP on the key ignores its PCRs, as libtpms
        assertThat(client.osap(Command.ET_KEYHANDLE, handle, keyAuth)).isNotNull();

        assertThat(client.send(Ordinal.PCR_Reset, SEL16).rc()).isZero();
        assertThat(sign(handle).rc()).isZero();
        assertThat(getPubKey(handle).rc()).isZero();
    }

    @Test
    void createWrapKey_fillsDigestAndLocalityAtCreation() throws Exception {
        client.send(Ordinal.Extend, params(16, filled(5)));
        byte[] now = pcr16Composite();
        Tpm12Client.Response wrapped = createWrapKey(signingKey(true, 0, pcrInfoLong(0x1f, SEL16, new byte[20])));
        assertThat(wrapped.rc()).isZero();
        Key12 k = Key12.read(new CommandReader(wrapped.body(), 0, wrapped.body().length));
        assertThat(k.pcr.localityAtCreation()).isEqualTo(1);
        assertThat(k.pcr.digestAtCreation()).isEqualTo(now);
        assertThat(k.pcr.digestAtRelease()).isEqualTo(new byte[20]);
        int handle = load(wrapped.body());
        assertThat(sign(handle).rc()).isEqualTo(Tpm12Rc.WRONGPCRVAL); // digestAtRelease of zeros never holds here
    }

    @Test
    void nothingSelectedAtCreation_leavesDigestAtCreationZero() throws Exception {
        Tpm12Client.Response wrapped = createWrapKey(signingKey(false, 0, params(NONE, new byte[20], filled(7))));
        assertThat(wrapped.rc()).isZero();
        Key12 k = Key12.read(new CommandReader(wrapped.body(), 0, wrapped.body().length));
        assertThat(k.pcr.digestAtCreation()).isEqualTo(new byte[20]);
        assertThat(sign(load(wrapped.body())).rc()).isZero(); // nothing selected at release either: no check
    }

    @Test
    void pcrIgnoredOnRead_letsGetPubKeyThrough_butNotSign() throws Exception {
        Tpm12Client.Response wrapped = createWrapKey(signingKey(true, Key12.FLAG_PCR_IGNORED_ON_READ,
                pcrInfoLong(0x1f, SEL16, new byte[20])));
        int handle = load(wrapped.body());
        assertThat(getPubKey(handle).rc()).isZero();
        assertThat(sign(handle).rc()).isEqualTo(Tpm12Rc.WRONGPCRVAL);
    }

    @Test
    void localityAtRelease_isEnforced_asWrongPcrVal() throws Exception {
        Tpm12Client.Response wrapped = createWrapKey(signingKey(true, 0, pcrInfoLong(0x08, NONE, new byte[20])));
        assertThat(wrapped.rc()).isZero();
        int handle = load(wrapped.body());
        assertThat(sign(handle).rc()).isEqualTo(Tpm12Rc.WRONGPCRVAL);
        client.locality(3);
        assertThat(sign(handle).rc()).isZero();
    }

    @Test
    void tpmKeyWithPcrInfo_isEnforced() throws Exception {
        byte[] info = params(SEL16, pcr16Composite(), new byte[20]);
        Tpm12Client.Response wrapped = createWrapKey(signingKey(false, 0, info));
        assertThat(wrapped.rc()).isZero();
        Key12 k = Key12.read(new CommandReader(wrapped.body(), 0, wrapped.body().length));
        assertThat(k.pcr.digestAtCreation()).isEqualTo(pcr16Composite());
        int handle = load(wrapped.body());
        assertThat(sign(handle).rc()).isZero();
        client.send(Ordinal.Extend, params(16, filled(9)));
        assertThat(sign(handle).rc()).isEqualTo(Tpm12Rc.WRONGPCRVAL);
    }

    @Test
    void malformedPcrInfo_isRefused() throws Exception {
        byte[] zeroLocality = params((short) 6, (byte) 0x1f, (byte) 0, SEL16, SEL16, new byte[20], new byte[20]);
        assertThat(createWrapKey(signingKey(true, 0, zeroLocality)).rc()).isEqualTo(Tpm12Rc.INVALID_STRUCTURE);
        byte[] wideSelection = params((short) 4, new byte[] {0, 0, 1, 0}, new byte[20], new byte[20]);
        assertThat(createWrapKey(signingKey(false, 0, wideSelection)).rc()).isEqualTo(Tpm12Rc.INVALID_PCR_INFO);
        assertThat(createWrapKey(signingKey(false, 0, params(SEL16, new byte[20]))).rc()).isEqualTo(Tpm12Rc.BAD_PARAM_SIZE);
    }
}
