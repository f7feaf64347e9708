package dev.jtpm.engine.command.hash;

import static dev.jtpm.engine.command.hash.HashTestSupport.data;
import static dev.jtpm.engine.command.hash.HashTestSupport.hash;
import static dev.jtpm.engine.command.hash.HashTestSupport.hashCheckHmac;
import static dev.jtpm.engine.command.hash.HashTestSupport.state;
import static dev.jtpm.engine.command.hash.HashTestSupport.tpmGenerated;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.engine.crypto.Tickets;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSt;
import dev.jtpm.types.TpmSu;
import dev.jtpm.types.command.Hash;
import dev.jtpm.types.command.HashResponse;
import dev.jtpm.types.command.Shutdown;
import dev.jtpm.types.command.Startup;
import dev.jtpm.types.structure.TpmtTkHashcheck;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HashHandlerTest {
    private static final byte[] ABC = "abc".getBytes(StandardCharsets.US_ASCII);

    /** FIPS 180-2 appendix examples: the digests of "abc". */
    @ParameterizedTest
    @CsvSource({
        "4, a9993e364706816aba3e25717850c26c9cd0d89d",
        "11, ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        "12, cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
        "13, ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
    })
    void hash_abc_matchesNistVector(int alg, String expected) {
        TestTpm t = TestTpm.started();
        HashResponse r = t.run(new Hash(Bytes.of(ABC), alg, TpmRh.NULL)).orThrow();
        assertThat(r.outHash().toHex()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(ints = {TpmAlg.SHA1, TpmAlg.SHA256, TpmAlg.SHA384, TpmAlg.SHA512})
    void hash_emptyAndFullBuffers_matchMessageDigest(int alg) {
        TestTpm t = TestTpm.started();
        assertThat(t.run(new Hash(Bytes.EMPTY, alg, TpmRh.NULL)).orThrow().outHash()).isEqualTo(hash(alg));
        byte[] max = data(1024, alg);
        assertThat(t.run(new Hash(Bytes.of(max), alg, TpmRh.OWNER)).orThrow().outHash()).isEqualTo(hash(alg, max));
    }

    @Test
    void hash_nullHierarchy_returnsNullTicket() {
        TestTpm t = TestTpm.started();
        TpmtTkHashcheck v = t.run(new Hash(Bytes.of(ABC), TpmAlg.SHA256, TpmRh.NULL)).orThrow().validation();
        assertThat(v).isEqualTo(TpmtTkHashcheck.nullTicket());
        assertThat(v.tag()).isEqualTo(TpmSt.HASHCHECK);
        assertThat(v.hierarchy()).isEqualTo(TpmRh.NULL);
        assertThat(v.digest().isEmpty()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {TpmRh.OWNER, TpmRh.ENDORSEMENT, TpmRh.PLATFORM})
    void hash_hierarchy_returnsHmacOfTheHierarchyProof(int hierarchy) {
        TestTpm t = TestTpm.started();
        byte[] msg = data(100, 7);
        HashResponse r = t.run(new Hash(Bytes.of(msg), TpmAlg.SHA384, hierarchy)).orThrow();

        TpmState s = state(t);
        Secret proof = switch (hierarchy) {
            case TpmRh.OWNER -> s.persistent.shProof;
            case TpmRh.ENDORSEMENT -> s.persistent.ehProof;
            default -> s.persistent.phProof;
        };
        assertThat(r.outHash()).isEqualTo(hash(TpmAlg.SHA384, msg));
        assertThat(r.validation().tag()).isEqualTo(TpmSt.HASHCHECK);
        assertThat(r.validation().hierarchy()).isEqualTo(hierarchy);
        assertThat(r.validation().digest()).isEqualTo(hashCheckHmac(proof, TpmAlg.SHA384, r.outHash()));
        assertThat(r.validation().digest().size()).isEqualTo(64); // SHA-512, as libtpms
    }

    @Test
    void hash_ownerTicket_isValidOnlyForItsDigestAndAlgorithm() {
        TestTpm t = TestTpm.started();
        HashResponse r = t.run(new Hash(Bytes.of(ABC), TpmAlg.SHA256, TpmRh.OWNER)).orThrow();
        TpmState s = state(t);
        assertThat(Tickets.isValidHashCheck(s, r.validation(), TpmAlg.SHA256, r.outHash())).isTrue();
        assertThat(Tickets.isValidHashCheck(s, r.validation(), TpmAlg.SHA256, hash(TpmAlg.SHA256, "abd".getBytes()))).isFalse();
        assertThat(Tickets.isValidHashCheck(s, r.validation(), TpmAlg.SHA1, r.outHash())).isFalse();
        var otherHierarchy = new TpmtTkHashcheck(TpmSt.HASHCHECK, TpmRh.ENDORSEMENT, r.validation().digest());
        assertThat(Tickets.isValidHashCheck(s, otherHierarchy, TpmAlg.SHA256, r.outHash())).isFalse();
        assertThat(Tickets.isValidHashCheck(s, TpmtTkHashcheck.nullTicket(), TpmAlg.SHA256, r.outHash())).isFalse();
    }

    @Test
    void hash_sameDataAfterRestart_givesTheSameOwnerTicket() {
        TestTpm t = TestTpm.started();
        TpmtTkHashcheck before = t.run(new Hash(Bytes.of(ABC), TpmAlg.SHA256, TpmRh.OWNER)).orThrow().validation();
        t.run(new Shutdown(TpmSu.CLEAR)).orThrow();
        t.tpm.powerOff();
        t.tpm.init();
        t.run(new Startup(TpmSu.CLEAR)).orThrow();
        TpmtTkHashcheck after = t.run(new Hash(Bytes.of(ABC), TpmAlg.SHA256, TpmRh.OWNER)).orThrow().validation();
        assertThat(after).isEqualTo(before);
    }

    @Test
    void hash_dataBeginningWithTpmGeneratedValue_returnsNullTicket() {
        TestTpm t = TestTpm.started();
        byte[] attest = tpmGenerated(new byte[] {(byte) 0x80, 0x18, 1, 2, 3});
        HashResponse r = t.run(new Hash(Bytes.of(attest), TpmAlg.SHA256, TpmRh.OWNER)).orThrow();
        assertThat(r.outHash()).isEqualTo(hash(TpmAlg.SHA256, attest));
        assertThat(r.validation()).isEqualTo(TpmtTkHashcheck.nullTicket());
        // exactly the four octets too
        assertThat(t.run(new Hash(Bytes.of(tpmGenerated()), TpmAlg.SHA256, TpmRh.OWNER)).orThrow().validation())
                .isEqualTo(TpmtTkHashcheck.nullTicket());
    }

    @Test
    void hash_shortOrOtherData_getsATicket() {
        TestTpm t = TestTpm.started();
        // shorter than TPM_GENERATED_VALUE: TPM2_Hash (unlike a sequence) still gives a ticket
        assertThat(t.run(new Hash(Bytes.fromHex("ff5443"), TpmAlg.SHA256, TpmRh.OWNER)).orThrow()
                .validation().hierarchy()).isEqualTo(TpmRh.OWNER);
        // the value later in the data does not matter
        assertThat(t.run(new Hash(Bytes.of(HashTestSupport.concat(ABC, tpmGenerated())), TpmAlg.SHA256, TpmRh.OWNER))
                .orThrow().validation().hierarchy()).isEqualTo(TpmRh.OWNER);
        assertThat(t.run(new Hash(Bytes.EMPTY, TpmAlg.SHA256, TpmRh.OWNER)).orThrow()
                .validation().digest().size()).isEqualTo(64);
    }

    @Test
    void hash_dataLongerThan1024_returnsSizeOnParameter1() {
        TestTpm t = TestTpm.started();
        assertThat(t.run(new Hash(Bytes.wrap(new byte[1025]), TpmAlg.SHA256, TpmRh.NULL)).rc())
                .isEqualTo(TpmRc.SIZE.atParameter(1));
    }

    @ParameterizedTest
    @ValueSource(ints = {TpmAlg.NULL, TpmAlg.SM3_256, TpmAlg.SHA3_256, TpmAlg.AES, 0x7777})
    void hash_unimplementedHashAlg_returnsHashOnParameter2(int alg) {
        TestTpm t = TestTpm.started();
        assertThat(t.run(new Hash(Bytes.of(ABC), alg, TpmRh.NULL)).rc()).isEqualTo(TpmRc.HASH.atParameter(2));
    }

    @ParameterizedTest
    @ValueSource(ints = {TpmRh.LOCKOUT, TpmRh.RS_PW, 0x80000000, 0})
    void hash_notAHierarchy_returnsValueOnParameter3(int hierarchy) {
        TestTpm t = TestTpm.started();
        assertThat(t.run(new Hash(Bytes.of(ABC), TpmAlg.SHA256, hierarchy)).rc()).isEqualTo(TpmRc.VALUE.atParameter(3));
    }
}
