package dev.jtpm.libtpms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jtpm.crypto.DerivedKeys;
import dev.jtpm.crypto.EccCurve;
import dev.jtpm.crypto.EccKey;
import dev.jtpm.crypto.LibtpmsDrbg;
import dev.jtpm.crypto.LibtpmsRsaPrimes;
import dev.jtpm.crypto.PrimaryKeys;
import dev.jtpm.crypto.RsaKey;
import dev.jtpm.engine.state.PersistentState;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSu;
import dev.jtpm.types.Secret;
import dev.jtpm.types.structure.TpmsEccPoint;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmuPublicId;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class LibtpmsStateTest {
    static byte[] fixture(String name) throws Exception {
        try (var in = LibtpmsStateTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    static LibtpmsState setupState() throws Exception {
        return LibtpmsState.parse(StateImport.payload(fixture("setup-ek.permall"), java.util.Optional.empty(), java.nio.file.Path.of("x")));
    }

    @Test
    void parsesSwtpmSetupState() throws Exception {
        LibtpmsState s = setupState();
        assertThat(s.objects()).extracting(LibtpmsState.PersistentObject::handle).containsExactly(0x81010001, 0x81010016);
        assertThat(s.objects()).allMatch(LibtpmsState.PersistentObject::eps);
        assertThat(s.nvIndices()).extracting(e -> e.publicArea().nvIndex()).containsExactly(0x01c00002, 0x01c00016);
        assertThat(s.persistent().epSeedCompatLevel()).isEqualTo(1);
        assertThat(s.persistent().orderlyState()).isZero(); // TPM2_Shutdown(CLEAR) by swtpm_setup
        assertThat(s.reset()).isNull();
        assertThat(s.orderly().clockSafe()).isTrue();
    }

    @Test
    void rsaEkIsLibtpmsDerivation() throws Exception {
        LibtpmsState s = setupState();
        var ek = s.objects().stream().filter(o -> o.handle() == 0x81010001).findFirst().orElseThrow();
        TpmtPublic template = ek.publicArea().withUnique(new TpmuPublicId.Rsa(Bytes.wrap(new byte[256])));
        byte[] name = PrimaryKeys.templateContext(template.nameAlg(), template.marshal().unsafeArray());
        LibtpmsDrbg drbg = LibtpmsDrbg.primary(Secret.of(s.persistent().epSeed()), name, new byte[0],
                s.persistent().epSeedCompatLevel());
        RsaKey key = LibtpmsRsaPrimes.generate(drbg, 2048, 0, false);
        Bytes n = ((TpmuPublicId.Rsa) ek.publicArea().unique()).n();
        assertThat(key.n()).isEqualTo(new BigInteger(1, n.toArray()));
    }

    @Test
    void eccP384EkIsLibtpmsDerivation() throws Exception {
        LibtpmsState s = setupState();
        var ek = s.objects().stream().filter(o -> o.handle() == 0x81010016).findFirst().orElseThrow();
        TpmsEccPoint stored = (TpmsEccPoint) ek.publicArea().unique();
        for (int len : new int[] {0, 48}) {
            TpmtPublic template = ek.publicArea().withUnique(new TpmsEccPoint(Bytes.wrap(new byte[len]), Bytes.wrap(new byte[len])));
            byte[] name = PrimaryKeys.templateContext(template.nameAlg(), template.marshal().unsafeArray());
            LibtpmsDrbg drbg = LibtpmsDrbg.primary(Secret.of(s.persistent().epSeed()), name, new byte[0], 1);
            EccKey key = DerivedKeys.ecc(drbg, EccCurve.of(ek.publicArea().parameters() instanceof dev.jtpm.types.structure.TpmsEccParms p ? p.curveID() : 0));
            System.out.println("unique " + len + ": " + Bytes.wrap(key.xBytes()).equals(stored.x()));
        }
    }

    @Test
    void mapsToJtpmState() throws Exception {
        LibtpmsState s = setupState();
        PersistentState p = StateImport.toJtpm(s);
        assertThat(p.eps.toBytes()).isEqualTo(s.persistent().epSeed());
        assertThat(p.ehProof.toBytes()).isEqualTo(s.persistent().ehProof());
        assertThat(p.pcrAllocation).containsExactly(0, 0xFFFFFF, 0, 0); // swtpm_setup: sha256 only
        assertThat(p.auditCommands).containsExactly(TpmCc.SET_COMMAND_CODE_AUDIT_STATUS);
        assertThat(p.ppCommands).containsExactly(TpmCc.PP_COMMANDS);
        assertThat(p.auditHashAlg).isEqualTo(TpmAlg.SHA512);
        assertThat(p.epsDerivation).isEqualTo(PersistentState.DERIVATION_LIBTPMS);
        assertThat(p.spsDerivation).isEqualTo(PersistentState.DERIVATION_LIBTPMS);
        assertThat(p.orderlyState).isEqualTo(TpmSu.CLEAR);
        assertThat(p.maxTries).isEqualTo(3);
        assertThat(p.persistentObjects.keySet()).containsExactly(0x81010001, 0x81010016);
        TpmObject ek = TpmObject.unmarshal(p.persistentObjects.get(0x81010001).toArray());
        assertThat(ek.hierarchy()).isEqualTo(TpmRh.ENDORSEMENT);
        assertThat(ek.name()).isEqualTo(s.objects().getFirst().name());
        assertThat(p.nvIndices.get(0x01c00002).data().size()).isEqualTo(p.nvIndices.get(0x01c00002).publicArea().dataSize());
        // the jtpm blob loads
        assertThat(PersistentState.deserialize(p.serialize()).nvIndices).isEqualTo(p.nvIndices);
    }

    @Test
    void refusesWhatItDoesNotKnow() throws Exception {
        byte[] good = StateImport.payload(fixture("setup-ek.permall"), java.util.Optional.empty(), java.nio.file.Path.of("x"));
        // truncated anywhere
        for (int cut : new int[] {3, 20, 200, 1000, good.length - 5}) {
            assertThatThrownBy(() -> LibtpmsState.parse(java.util.Arrays.copyOf(good, cut)))
                    .isInstanceOf(UnsupportedStateException.class);
        }
        // another magic (TPM 1.2 or volatile state)
        byte[] other = good.clone();
        other[2] = 0x45;
        assertThatThrownBy(() -> LibtpmsState.parse(other)).isInstanceOf(UnsupportedStateException.class);
        byte[] volatileState = {0, 1, 0x45, 0x63, 0x78, (byte) 0x89, 0, 0};
        assertThatThrownBy(() -> LibtpmsState.parse(volatileState)).hasMessageContaining("volatile");
        // a seed compatibility level above libtpms 0.9's
        int at = indexOf(good, new byte[] {1, 0, 6, 1, 1, 1, 1, 0, 0});
        byte[] level2 = good.clone();
        level2[at + 3] = 2;
        assertThatThrownBy(() -> LibtpmsState.parse(level2)).hasMessageContaining("compatibility level 2");
        // content in PERSISTENT_DATA's version-5 block (a libtpms 0.10 profile)
        byte[] profile = new byte[good.length + 1];
        System.arraycopy(good, 0, profile, 0, at + 8);
        profile[at + 2] = 7;                        // the v4 block grows by one octet
        profile[at + 8] = 1;                        // the v5 block: 1 octet
        profile[at + 9] = 0x42;
        System.arraycopy(good, at + 9, profile, at + 10, good.length - at - 9);
        fixBlockSize(profile, at);
        assertThatThrownBy(() -> LibtpmsState.parse(profile)).hasMessageContaining("a profile");
    }

    /** The v3 block around the v4 block grows by one octet too: its size field precedes the shadow allocation. */
    private static void fixBlockSize(byte[] b, int v4At) {
        // v3 block header: 01 <size16> then TPML_PCR_SELECTION (4 + 4 * 6 octets for four banks of 3 octets)
        int v3At = v4At - 3 - 4 - 4 * 6;
        int size = ((b[v3At + 1] & 0xFF) << 8 | (b[v3At + 2] & 0xFF)) + 1;
        b[v3At + 1] = (byte) (size >> 8);
        b[v3At + 2] = (byte) size;
    }

    private static int indexOf(byte[] b, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= b.length; i++) {
            for (int j = 0; j < pattern.length; j++) if (b[i + j] != pattern[j]) continue outer;
            return i;
        }
        return -1;
    }

    /**
     * Mutated state (one octet changed, at every tenth position, to three values) either reads and maps, or is refused
     * with UnsupportedStateException: no other exception escapes, so the command always ends with its one line.
     */
    @Test
    void mutatedState_isReadOrRefused_neverCrashes() throws Exception {
        byte[] good = StateImport.payload(fixture("setup-ek.permall"), java.util.Optional.empty(), java.nio.file.Path.of("x"));
        int read = 0, refused = 0;
        for (int at = 0; at < good.length; at += 10) {
            for (int v : new int[] {0x00, 0xFF, good[at] ^ 0x01}) {
                byte[] b = good.clone();
                b[at] = (byte) v;
                try {
                    StateImport.toJtpm(LibtpmsState.parse(b)).serialize();
                    read++;
                } catch (UnsupportedStateException e) {
                    refused++;
                } catch (RuntimeException e) {
                    throw new AssertionError("octet " + at + " := " + v + ": " + e, e);
                }
            }
        }
        assertThat(read).isPositive();
        assertThat(refused).isPositive();
    }
}
