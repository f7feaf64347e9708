package dev.jtpm.tpm12;

import static dev.jtpm.tpm12.Tpm12Client.params;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.platform.NvStore;
import dev.jtpm.engine.platform.Platform;
import dev.jtpm.engine.platform.StateKind;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class Tpm12Test {
    private final AtomicLong clock = new AtomicLong();
    private final AtomicBoolean pp = new AtomicBoolean();
    private final NvStore nv = NvStore.inMemory();
    private Tpm12 tpm;
    private Tpm12Client client;

    @BeforeEach
    void start() throws Exception {
        tpm = new Tpm12(new Platform(nv, clock::get, new Random(1), pp::get));
        assertThat(tpm.init()).isTrue();
        client = new Tpm12Client(tpm, new Random(2));
    }

    private int startup(int type) throws Exception {
        return client.send(Ordinal.Startup, params((short) type)).rc();
    }

    @Test
    void beforeStartup_commandsAnswerInvalidPostinit_andStartupOnlyOnce() throws Exception {
        assertThat(client.send(Ordinal.PcrRead, params(0)).rc()).isEqualTo(Tpm12Rc.INVALID_POSTINIT);
        assertThat(startup(1)).isZero();
        assertThat(startup(1)).isEqualTo(Tpm12Rc.INVALID_POSTINIT);
    }

    @Test
    void header_sizeMismatch_badTag_unknownOrdinal() throws Exception {
        startup(1);
        byte[] cmd = Tpm12Client.command(0xC1, Ordinal.PcrRead, params(0));
        assertThat(client.raw(Arrays.copyOf(cmd, cmd.length + 1)).rc()).isEqualTo(Tpm12Rc.BAD_PARAM_SIZE);
        assertThat(client.raw(Tpm12Client.command(0xC2, Ordinal.PcrRead, params(0))).rc()).isEqualTo(Tpm12Rc.BADTAG);
        assertThat(client.send(0x9999, new byte[0]).rc()).isEqualTo(Tpm12Rc.BAD_ORDINAL);
        assertThat(client.send(Ordinal.PcrRead, params(0, (byte) 1)).rc()).isEqualTo(Tpm12Rc.BAD_PARAM_SIZE);
        assertThat(client.raw(new byte[] {0, (byte) 0xc1, 0}).rc()).isEqualTo(Tpm12Rc.BAD_PARAM_SIZE);
    }

    @Test
    void extend_isSha1OfOldAndNew_andPcrsStartAsPcClientSays() throws Exception {
        startup(1);
        assertThat(client.send(Ordinal.PcrRead, params(16)).body()).isEqualTo(new byte[20]);
        byte[] ones = new byte[20];
        Arrays.fill(ones, (byte) 0xff);
        assertThat(client.send(Ordinal.PcrRead, params(17)).body()).isEqualTo(ones);
        byte[] d = new byte[20];
        Arrays.fill(d, (byte) 0x11);
        Tpm12Client.Response r = client.send(Ordinal.Extend, params(0, d));
        assertThat(HexFormat.of().formatHex(r.body())).isEqualTo("b3e26c6ca6785f04dd7187293d802d5b16dad8c1");
        assertThat(client.send(Ordinal.PcrRead, params(0)).body()).isEqualTo(r.body());
        assertThat(client.send(Ordinal.Extend, params(24, d)).rc()).isEqualTo(Tpm12Rc.BADINDEX);
        assertThat(client.send(Ordinal.Extend, params(17, d)).rc()).isEqualTo(Tpm12Rc.BAD_LOCALITY);
    }

    @Test
    void pcrReset_byLocality() throws Exception {
        startup(1);
        assertThat(client.send(Ordinal.PCR_Reset, params((short) 3, new byte[] {0, 0, 1})).rc()).isZero();   // PCR 16
        assertThat(client.send(Ordinal.PCR_Reset, params((short) 3, new byte[] {0, 0, 2})).rc()).isEqualTo(Tpm12Rc.NOTLOCAL);
        assertThat(client.send(Ordinal.PCR_Reset, params((short) 3, new byte[] {1, 0, 0})).rc()).isEqualTo(Tpm12Rc.NOTRESETABLE);
        assertThat(client.send(Ordinal.PCR_Reset, params((short) 3, new byte[] {0, 0, 0})).rc()).isEqualTo(Tpm12Rc.INVALID_PCR_INFO);
        client.locality(4);
        assertThat(client.send(Ordinal.PCR_Reset, params((short) 3, new byte[] {0, 0, 2})).rc()).isZero();
        assertThat(client.send(Ordinal.PcrRead, params(17)).body()).isEqualTo(ones());
    }

    private static byte[] ones() {
        byte[] b = new byte[20];
        Arrays.fill(b, (byte) 0xff);
        return b;
    }

    @Test
    void saveState_thenStartupState_restoresPcrs_butStartupStateWithoutItFails() throws Exception {
        startup(1);
        byte[] d = new byte[20];
        byte[] v = client.send(Ordinal.Extend, params(5, d)).body();
        assertThat(client.send(Ordinal.SaveState, new byte[0]).rc()).isZero();
        assertThat(nv.load(StateKind.SAVESTATE)).isNotNull();
        tpm.powerOff();
        tpm.init();
        assertThat(startup(2)).isZero();
        assertThat(client.send(Ordinal.PcrRead, params(5)).body()).isEqualTo(v);
        assertThat(nv.load(StateKind.SAVESTATE)).isNull();
        tpm.powerOff();
        tpm.init();
        assertThat(startup(2)).isEqualTo(Tpm12Rc.FAILEDSELFTEST);
        assertThat(client.send(Ordinal.PcrRead, params(5)).rc()).isEqualTo(Tpm12Rc.FAILEDSELFTEST);
    }

    @Test
    void capabilities_thatTcsAsks() throws Exception {
        startup(1);
        assertThat(client.send(Ordinal.GetCapability, params(0x1A, 0)).body()).hasSize(4 + 15);
        assertThat(HexFormat.of().formatHex(client.send(Ordinal.GetCapability, params(6, 0)).body())).isEqualTo("0000000401010000");
        assertThat(HexFormat.of().formatHex(client.send(Ordinal.GetCapability, params(5, 4, 0x101)).body())).isEqualTo("0000000400000018");
        assertThat(HexFormat.of().formatHex(client.send(Ordinal.GetCapability, params(4, 4, 0x108)).body()))
                .isEqualTo("00000016001f0001000100010000000000000000010000000000");
        assertThat(client.send(Ordinal.GetCapability, params(1, 4, Ordinal.OIAP)).body()[4]).isEqualTo((byte) 1);
        assertThat(client.send(Ordinal.GetCapability, params(1, 4, 0x9999)).body()[4]).isZero();
        assertThat(client.send(Ordinal.GetCapability, params(5, 2, (short) 0x101)).rc()).isEqualTo(Tpm12Rc.BAD_MODE);
        assertThat(client.send(Ordinal.GetCapability, params(0x99, 0)).rc()).isEqualTo(Tpm12Rc.BAD_MODE);
    }

    @Test
    void getRandom_isCapped() throws Exception {
        startup(1);
        assertThat(client.send(Ordinal.GetRandom, params(8)).body()).hasSize(12);
        assertThat(client.send(Ordinal.GetRandom, params(0x10000)).body()).hasSize(4 + 4082);
    }

    @Test
    void endorsementKey_ownership_andClear() throws Exception {
        startup(1);
        assertThat(client.send(Ordinal.ReadPubek, params(new byte[20])).rc()).isEqualTo(Tpm12Rc.NO_ENDORSEMENT);
        Tpm12Client.Response ek = client.createEndorsementKeyPair();
        assertThat(ek.rc()).isZero();
        assertThat(client.createEndorsementKeyPair().rc()).isEqualTo(Tpm12Rc.DISABLED_CMD);
        Tpm12Client.Response read = client.send(Ordinal.ReadPubek, params(new byte[20]));
        assertThat(read.rc()).isZero();
        byte[] pub = Arrays.copyOf(read.body(), read.body().length - 20);
        assertThat(Arrays.copyOfRange(read.body(), pub.length, pub.length + 20)).isEqualTo(Crypto12.sha1(pub, new byte[20]));
        RSAPublicKey ekKey = Tpm12Client.pubkey(pub);
        assertThat(ekKey.getModulus().bitLength()).isEqualTo(2048);

        byte[] owner = new byte[20];
        Arrays.fill(owner, (byte) 7);
        Tpm12Client.Response own = client.takeOwnership(ekKey, owner, Tpm12Client.wellKnownSecret());
        assertThat(own.rc()).isZero();
        assertThat(client.takeOwnership(ekKey, owner, owner).rc()).isEqualTo(Tpm12Rc.OWNER_SET);
        // ReadPubek is disabled by TakeOwnership; the owner reads it
        assertThat(client.send(Ordinal.ReadPubek, params(new byte[20])).rc()).isEqualTo(Tpm12Rc.DISABLED_CMD);
        Tpm12Client.Response internal = client.auth1(Ordinal.OwnerReadInternalPub, new byte[0],
                params(OwnershipCommands.KH_EK), client.oiap(), owner, false);
        assertThat(internal.rc()).isZero();
        assertThat(internal.body()).isEqualTo(pub);
        // a wrong owner secret: TPM_AUTHFAIL and the session is gone
        Tpm12Client.Session s = client.oiap();
        assertThat(client.auth1(Ordinal.OwnerReadInternalPub, new byte[0], params(OwnershipCommands.KH_EK), s, new byte[20], true).rc())
                .isEqualTo(Tpm12Rc.AUTHFAIL);
        assertThat(client.auth1(Ordinal.OwnerReadInternalPub, new byte[0], params(OwnershipCommands.KH_EK), s, owner, true).rc())
                .isEqualTo(Tpm12Rc.INVALID_AUTHHANDLE);
        // OSAP for the owner, rolling nonces over two commands
        Tpm12Client.Session osap = client.osap(Command.ET_OWNER, OwnershipCommands.KH_OWNER, owner);
        assertThat(client.auth1(Ordinal.OwnerReadInternalPub, new byte[0], params(OwnershipCommands.KH_SRK), osap, null, true).rc()).isZero();
        assertThat(client.auth1(Ordinal.OwnerReadInternalPub, new byte[0], params(OwnershipCommands.KH_EK), osap, null, false).rc()).isZero();
        // the state survives a power cycle
        tpm.powerOff();
        tpm.init();
        startup(1);
        assertThat(client.send(Ordinal.GetCapability, params(5, 4, 0x111)).body()[4]).isEqualTo((byte) 1);
        // OwnerClear: disabled and deactivated afterwards, ownable again
        assertThat(client.auth1(Ordinal.OwnerClear, new byte[0], new byte[0], client.oiap(), owner, false).rc()).isZero();
        assertThat(client.send(Ordinal.GetCapability, params(5, 4, 0x111)).body()[4]).isZero();
        assertThat(HexFormat.of().formatHex(client.send(Ordinal.GetCapability, params(4, 4, 0x108)).body()))
                .startsWith("00000016001f010101");
    }

    @Test
    void physicalPresence_command_enablesPhysicalEnable() throws Exception {
        startup(1);
        assertThat(client.send(Ordinal.PhysicalDisable, new byte[0]).rc()).isEqualTo(Tpm12Rc.BAD_PRESENCE);
        assertThat(client.send(Ordinal.TSC_PhysicalPresence, params((short) 0x0008)).rc()).isEqualTo(Tpm12Rc.BAD_PARAMETER);
        assertThat(client.send(Ordinal.TSC_PhysicalPresence, params((short) 0x0020)).rc()).isZero();
        assertThat(client.send(Ordinal.TSC_PhysicalPresence, params((short) 0x0008)).rc()).isZero();
        assertThat(client.send(Ordinal.PhysicalDisable, new byte[0]).rc()).isZero();
        assertThat(client.send(Ordinal.GetRandom, params(1)).rc()).isEqualTo(Tpm12Rc.DISABLED);
        assertThat(client.send(Ordinal.PhysicalEnable, new byte[0]).rc()).isZero();
        assertThat(client.send(Ordinal.TSC_PhysicalPresence, params((short) 0x0004)).rc()).isZero();
        assertThat(client.send(Ordinal.TSC_PhysicalPresence, params((short) 0x0008)).rc()).isEqualTo(Tpm12Rc.BAD_PARAMETER);
        assertThat(client.send(Ordinal.ForceClear, new byte[0]).rc()).isEqualTo(Tpm12Rc.BAD_PRESENCE);
    }

    @Test
    void hashStartDataEnd_extendsPcr17AndSetsEstablished() throws Exception {
        startup(1);
        tpm.hashStart();
        tpm.hashData("abc".getBytes());
        tpm.hashEnd();
        assertThat(client.send(Ordinal.PcrRead, params(17)).body()).isEqualTo(Crypto12.sha1(new byte[20], Crypto12.sha1("abc".getBytes())));
        assertThat(client.send(Ordinal.PcrRead, params(18)).body()).isEqualTo(new byte[20]);
        assertThat(tpm.tpmEstablished()).isTrue();
        assertThat(tpm.resetEstablished(0)).isFalse();
        assertThat(tpm.resetEstablished(3)).isTrue();
        assertThat(tpm.tpmEstablished()).isFalse();
    }
}
