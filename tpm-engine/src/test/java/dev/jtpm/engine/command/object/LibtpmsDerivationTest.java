package dev.jtpm.engine.command.object;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.engine.state.PersistentState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.ChangeEps;
import dev.jtpm.types.command.CreatePrimary;
import dev.jtpm.types.command.CreatePrimaryResponse;
import dev.jtpm.types.structure.Templates;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.TpmtPublic;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Primary objects of a hierarchy whose state says libtpms' derivation (an imported swtpm state): known answers from
 * swtpm 0.7.1 / libtpms 0.9.2. The endorsement seed is the one swtpm_setup made for the fixture of jtpm-libtpms'
 * tests; the Names are what swtpm showed for its EKs (tpm2_readpublic 0x81010001 / 0x81010016), and, for
 * SEED_COMPAT_LEVEL_ORIGINAL, what swtpm's tpm2_createek gave after the state's EPSeedCompatLevel was set to 0.
 */
class LibtpmsDerivationTest {
    static final Secret EPS = Secret.of(Bytes.fromHex("db34354dfb559017ed12865a1f04b4fc2bed16f4f7244225cbe172d6c55a5694"
            + "7eb83c35375c02e5e5db7afc61ec6fb62a8d1be1724485b24a5ae4b999353bb8").toArray());
    static final TpmlPcrSelection NO_PCRS = new TpmlPcrSelection(List.of());

    static TestTpm tpm(int derivation) {
        TestTpm t = TestTpm.started();
        t.state().persistent.eps = EPS;
        t.state().persistent.epsDerivation = derivation;
        return t;
    }

    static Bytes ekName(TestTpm t, TpmtPublic template) {
        CreatePrimaryResponse r = t.run(new CreatePrimary(TpmRh.ENDORSEMENT, TpmsSensitiveCreate.EMPTY, template, Bytes.EMPTY,
                NO_PCRS)).orThrow();
        return r.name();
    }

    @Test
    void rsaEk_atRsaPrimeAdjustFix_isSwtpmsEk() {
        assertThat(ekName(tpm(PersistentState.DERIVATION_LIBTPMS), Templates.EK_RSA_2048).toHex())
                .isEqualTo("000b4c97c5009cd52b74033194a65d479e180f3d2333bf3b5b940b734097a0479d19");
    }

    @Test
    void rsaEk_atOriginalLevel_isSwtpmsEkOfThatLevel() {
        assertThat(ekName(tpm(PersistentState.DERIVATION_LIBTPMS_ORIGINAL), Templates.EK_RSA_2048).toHex())
                .isEqualTo("000b672233cc1b66315b818572dd7180dec9b8f58a363344561044c39921bd1ff626");
    }

    @Test
    void eccP384Ek_isSwtpmsEk() {
        assertThat(ekName(tpm(PersistentState.DERIVATION_LIBTPMS), Templates.EK_ECC_P384_HIGH).toHex())
                .isEqualTo("000cf08468bc7652c05f80aa6b1596c97f6ddcd21d9c694702c02cc424cb134a03f2c762b35d7c0c846c16633f51d91f6fef");
    }

    @Test
    void jtpmDerivation_givesOtherKeys() {
        assertThat(ekName(tpm(PersistentState.DERIVATION_JTPM), Templates.EK_RSA_2048).toHex())
                .isNotEqualTo("000b4c97c5009cd52b74033194a65d479e180f3d2333bf3b5b940b734097a0479d19");
    }

    /** libtpms gives a new seed its latest compatibility level (TPM2_ChangeEPS, ChangePPS, Clear). */
    @Test
    void changeEps_movesAnOriginalLevelHierarchyToTheLatestLevel() {
        TestTpm t = tpm(PersistentState.DERIVATION_LIBTPMS_ORIGINAL);
        t.run(new ChangeEps(TpmRh.PLATFORM)).orThrow();
        assertThat(t.state().persistent.epsDerivation).isEqualTo(PersistentState.DERIVATION_LIBTPMS);
    }

    /**
     * A repeated RSA CreatePrimary takes the key from the TPM's cache and leaves the DRBG where the derivation left
     * it: the storage key's seedValue (the protection of its children) is the same, so a child created under the first
     * one loads under the second.
     */
    @Test
    void cachedRsaPrimary_givesTheSameSeedValue() {
        TestTpm t = tpm(PersistentState.DERIVATION_LIBTPMS);
        t.state().persistent.sps = EPS;
        t.state().persistent.spsDerivation = PersistentState.DERIVATION_LIBTPMS;
        CreatePrimaryResponse first = t.run(new CreatePrimary(TpmRh.OWNER, TpmsSensitiveCreate.EMPTY, Templates.RSA_2048_SRK,
                Bytes.EMPTY, NO_PCRS)).orThrow();
        var seed1 = ((dev.jtpm.engine.state.TpmObject) t.state().objects.get(first.objectHandle())).sensitive().seedValue();
        assertThat(t.state().primaryKeys.size()).isEqualTo(1);
        CreatePrimaryResponse second = t.run(new CreatePrimary(TpmRh.OWNER, TpmsSensitiveCreate.EMPTY, Templates.RSA_2048_SRK,
                Bytes.EMPTY, NO_PCRS)).orThrow();
        var seed2 = ((dev.jtpm.engine.state.TpmObject) t.state().objects.get(second.objectHandle())).sensitive().seedValue();
        assertThat(second.name()).isEqualTo(first.name());
        assertThat(seed2).isEqualTo(seed1);
        assertThat(seed1.size()).isEqualTo(32);
    }
}
