package dev.jtpm.bench;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.CreatePrimary;
import dev.jtpm.types.command.FlushContext;
import dev.jtpm.types.command.Sign;
import dev.jtpm.types.structure.TpmaObject;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsEccParms;
import dev.jtpm.types.structure.TpmsEccPoint;
import dev.jtpm.types.structure.TpmsRsaParms;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.Templates;
import dev.jtpm.types.structure.TpmtEccScheme;
import dev.jtpm.types.structure.TpmtKdfScheme;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmtRsaScheme;
import dev.jtpm.types.structure.TpmtSigScheme;
import dev.jtpm.types.structure.TpmtSymDefObject;
import dev.jtpm.types.structure.TpmtTkHashcheck;
import dev.jtpm.types.structure.TpmuPublicId;
import java.io.IOException;
import java.util.List;

/**
 * The key commands of the side-by-side runner (issue 3's speed targets): signing with a loaded key, and
 * TPM2_CreatePrimary of a signing key in the owner hierarchy. Unlike {@link BenchCommand} they need
 * work around the measured command that is not measured: a key created first (Sign), a FlushContext
 * after every CreatePrimary (a TPM has three object slots). Every server gets the same command bytes:
 * for the "new template" rows the template's unique field carries a counter, so each CreatePrimary
 * derives a key no earlier command derived (the cold path: RSA prime search every time), in the same
 * sequence on both servers.
 */
enum KeyBench {
    /** TPM2_Sign of a SHA-256 digest with an unrestricted ECDSA P-256 key (scheme in the key). */
    SIGN_ECDSA_P256("Sign (ECDSA P-256, SHA-256 digest)", Kind.SIGN, ecc(), 2_000, 3_000),
    /** TPM2_Sign of a SHA-256 digest with an unrestricted RSASSA 2048-bit key. */
    SIGN_RSASSA_2048("Sign (RSASSA-2048, SHA-256 digest)", Kind.SIGN, rsa(), 600, 400),
    /** TPM2_CreatePrimary of the ECC P-256 signing key, the same template every time. */
    CREATE_PRIMARY_ECC_P256("CreatePrimary (ECC P-256 signing key, owner, same template)", Kind.CREATE_PRIMARY, ecc(), 1_000, 3_000),
    /** TPM2_CreatePrimary of ECC P-256 signing keys, a new unique field (so a new key) every time. */
    CREATE_PRIMARY_ECC_P256_NEW("CreatePrimary (ECC P-256 signing key, owner, a new template each time)",
            Kind.CREATE_PRIMARY_NEW, ecc(), 1_000, 2_000),
    /** TPM2_CreatePrimary of the RSA-2048 signing key, the same template every time. */
    CREATE_PRIMARY_RSA_2048("CreatePrimary (RSA-2048 signing key, owner, same template)", Kind.CREATE_PRIMARY, rsa(), 60, 5),
    /** TPM2_CreatePrimary of RSA-2048 signing keys, a new unique field (so a new key) every time. */
    CREATE_PRIMARY_RSA_2048_NEW("CreatePrimary (RSA-2048 signing key, owner, a new template each time)",
            Kind.CREATE_PRIMARY_NEW, rsa(), 40, 3);

    enum Kind { SIGN, CREATE_PRIMARY, CREATE_PRIMARY_NEW }

    /** Constants the enum constructors use (an enum's own static fields are set after its constants). */
    private static final class Fixed {
        static final TpmaObject SIGNER = TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
                TpmaObject.SENSITIVE_DATA_ORIGIN, TpmaObject.USER_WITH_AUTH, TpmaObject.SIGN_ENCRYPT);
    }

    private static final TpmlPcrSelection NO_PCRS = new TpmlPcrSelection(List.of());
    /** The digest every Sign signs: SHA-256 of "jtpm bench". */
    private static final Bytes DIGEST = Bytes.fromHex("44a345f2f053b2301f3d366354188c0b7cc49cebc120faa6d7f8cca1a7971f7b");
    /** The index of the first new-template key of the measured rounds (warm-up keys count from 0). */
    static final int MEASURED_BASE = 1 << 20;

    private final String label;
    final Kind kind;
    private final TpmtPublic template;
    /** Default number of measured commands per server. */
    final int iterations;
    /** Default number of warm-up commands per server. */
    final int warmup;

    KeyBench(String label, Kind kind, TpmtPublic template, int iterations, int warmup) {
        this.label = label;
        this.kind = kind;
        this.template = template;
        this.iterations = iterations;
        this.warmup = warmup;
    }

    /** How the command is named in reports. */
    String label() { return label; }

    private static TpmtPublic ecc() {
        return TpmtPublic.of(TpmAlg.SHA256, Fixed.SIGNER, Bytes.EMPTY, new TpmsEccParms(TpmtSymDefObject.NULL,
                TpmtEccScheme.of(TpmAlg.ECDSA, TpmAlg.SHA256), Templates.NIST_P256, TpmtKdfScheme.NULL));
    }

    private static TpmtPublic rsa() {
        return TpmtPublic.of(TpmAlg.SHA256, Fixed.SIGNER, Bytes.EMPTY, new TpmsRsaParms(TpmtSymDefObject.NULL,
                TpmtRsaScheme.of(TpmAlg.RSASSA, TpmAlg.SHA256), 2048, 0));
    }

    /** TPM2_CreatePrimary in the owner hierarchy (empty owner password) of the template, unique field as given. */
    byte[] createPrimary(int index) {
        Bytes counter = Bytes.wrap(new byte[] {(byte) (index >>> 24), (byte) (index >>> 16), (byte) (index >>> 8), (byte) index});
        TpmtPublic t = kind != Kind.CREATE_PRIMARY_NEW ? template
                : template.withUnique(template.type() == TpmAlg.RSA ? new TpmuPublicId.Rsa(counter)
                        : new TpmsEccPoint(counter, Bytes.EMPTY));
        return CommandBytes.encode(new CreatePrimary(TpmRh.OWNER, TpmsSensitiveCreate.EMPTY, t, Bytes.EMPTY, NO_PCRS));
    }

    /** TPM2_Sign of {@link #DIGEST} with the key at {@code handle} (empty password, the key's own scheme). */
    static byte[] sign(int handle) {
        return CommandBytes.encode(new Sign(handle, DIGEST, TpmtSigScheme.NULL, TpmtTkHashcheck.nullTicket()));
    }

    /** TPM2_FlushContext of {@code handle}. */
    static byte[] flush(int handle) {
        return CommandBytes.encode(new FlushContext(handle));
    }

    /** The object handle of a successful CreatePrimary response (the handle after the 10-octet header). */
    static int createdHandle(byte[] response) throws IOException {
        if (BenchCommand.responseCode(response) != 0 || response.length < 14) {
            throw new IOException("CreatePrimary failed with 0x" + Integer.toHexString(BenchCommand.responseCode(response)));
        }
        return ((response[10] & 0xFF) << 24) | ((response[11] & 0xFF) << 16) | ((response[12] & 0xFF) << 8)
                | (response[13] & 0xFF);
    }
}
