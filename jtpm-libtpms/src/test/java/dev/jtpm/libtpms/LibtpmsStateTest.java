package dev.jtpm.libtpms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.crypto.DerivedKeys;
import dev.jtpm.crypto.EccCurve;
import dev.jtpm.crypto.EccKey;
import dev.jtpm.crypto.LibtpmsDrbg;
import dev.jtpm.crypto.LibtpmsRsaPrimes;
import dev.jtpm.crypto.PrimaryKeys;
import dev.jtpm.crypto.RsaKey;
import dev.jtpm.types.Bytes;
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
        return LibtpmsState.parse(StateImport.payload(fixture("setup-ek.permall"), null, java.nio.file.Path.of("x")));
    }

    @Test
    void parsesSwtpmSetupState() throws Exception {
        LibtpmsState s = setupState();
        System.out.println(s.persistent());
        s.nvIndices().forEach(e -> System.out.println(e.publicArea() + " data " + e.data().size()));
        s.objects().forEach(o -> System.out.println(Integer.toHexString(o.handle()) + " attrs " + Integer.toHexString(o.attributes())
                + " level " + o.seedCompatLevel() + " " + o.publicArea()));
        System.out.println(s.orderlyRam() + " max " + s.maxCount() + " orderly " + s.orderly());
        assertThat(s.objects()).hasSize(2);
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
}
