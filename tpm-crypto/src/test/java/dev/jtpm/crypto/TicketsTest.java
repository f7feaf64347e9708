package dev.jtpm.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;

import org.junit.jupiter.api.Test;

class TicketsTest {
    static final Secret PROOF = Secret.of(Vectors.hex("0f".repeat(32)));

    @Test
    void hashCheck_isHmacOfTheTagTheDigestAlgorithmAndTheDigest() {
        byte[] digest = Hashes.hash(TpmAlg.SHA256, new byte[] {1});
        assertThat(Tickets.hashCheck(TpmAlg.SHA256, PROOF, TpmAlg.SHA256, digest).toArray())
                .isEqualTo(Hashes.hmac(TpmAlg.SHA256, PROOF.toArray(), Vectors.hex("8024"), Vectors.hex("000b"), digest));
    }

    @Test
    void verifiedAndCreation_bindTheirTagsSoTheyCannotStandInForEachOther() {
        byte[] a = Hashes.hash(TpmAlg.SHA256, new byte[] {1}), b = Vectors.hex("000b" + "22".repeat(32));
        assertThat(Tickets.verified(TpmAlg.SHA256, PROOF, a, b).toArray())
                .isEqualTo(Hashes.hmac(TpmAlg.SHA256, PROOF.toArray(), Vectors.hex("8022"), a, b));
        assertThat(Tickets.creation(TpmAlg.SHA256, PROOF, a, b)).isNotEqualTo(Tickets.verified(TpmAlg.SHA256, PROOF, a, b));
    }

    @Test
    void matches_acceptsOnlyTheSameDigest() {
        var t = Tickets.hashCheck(TpmAlg.SHA1, PROOF, TpmAlg.SHA1, new byte[20]);
        assertThat(Tickets.matches(t, t.toArray())).isTrue();
        byte[] bad = t.toArray();
        bad[0] ^= 1;
        assertThat(Tickets.matches(t, bad)).isFalse();
        assertThat(Tickets.matches(t, new byte[0])).isFalse();
        assertThat(Tickets.hashCheck(TpmAlg.SHA1, Secret.of(new byte[] {1}), TpmAlg.SHA1, new byte[20])).isNotEqualTo(t);
    }
}
