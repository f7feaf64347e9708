package dev.jtpm.provision;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmCap;
import dev.jtpm.types.TpmDevice;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSu;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.CreatePrimary;
import dev.jtpm.types.command.EvictControl;
import dev.jtpm.types.command.FlushContext;
import dev.jtpm.types.command.GetCapability;
import dev.jtpm.types.command.NvDefineSpace;
import dev.jtpm.types.command.NvWrite;
import dev.jtpm.types.command.NvWriteLock;
import dev.jtpm.types.command.PcrAllocate;
import dev.jtpm.types.command.Shutdown;
import dev.jtpm.types.command.Startup;
import dev.jtpm.types.command.TpmCommand;
import dev.jtpm.types.structure.Templates;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsEccPoint;
import dev.jtpm.types.structure.TpmsEccParms;
import dev.jtpm.types.structure.TpmsNvPublic;
import dev.jtpm.types.structure.TpmsPcrSelection;
import dev.jtpm.types.structure.TpmsRsaParms;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.TpmtEccScheme;
import dev.jtpm.types.structure.TpmtKdfScheme;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmtRsaScheme;
import dev.jtpm.types.structure.TpmtSymDefObject;
import dev.jtpm.types.structure.TpmuPublicId;
import java.io.IOException;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * swtpm_setup 0.7.1's manufacture sequence for a TPM 2 (reference §6.1), as commands to a started TPM
 * (client-side marshalling, password sessions with empty passwords):
 *
 * <ol>
 *   <li>with {@code createSpk}: the storage primary key (RSA with the EK's key size, or ECC P-384 with
 *       {@code --ecc}; swtpm's templates) made persistent at 0x81000001;</li>
 *   <li>the RSA EK (2048 at 0x81010001, 3072 at 0x8101001C), then the P-384 EK (0x81010016), then with
 *       {@code --ecc-p256} jtpm's P-256 EK (0x81010002); for each, with {@code --allow-signing}, its
 *       template in NV; with certificates: the EK certificate in NV, and after the first EK the platform
 *       certificate at 0x01C08000. NV indices are defined under TPM_RH_PLATFORM with 0x42072001
 *       (PLATFORMCREATE | AUTHREAD | OWNERREAD | PPREAD | PPWRITE | NO_DA | WRITEDEFINE), nameAlg
 *       SHA-256, written in 1024-octet chunks, and with {@code lockNvram} write-locked (then they read
 *       back as 0x62072801);</li>
 *   <li>the PCR banks: the requested ones among those the TPM has get all 24 PCRs, the others none
 *       (TPM2_PCR_Allocate; effective at the next TPM Reset);</li>
 *   <li>TPM2_Shutdown(CLEAR).</li>
 * </ol>
 * With {@code reconfigure}, only the PCR banks change (swtpm_setup {@code --reconfigure}).
 */
public final class Manufacture {
    /** NV attributes of certificate and template indices before the write lock. */
    public static final int NV_ATTRIBUTES = 0x42072001;
    /** The platform certificate's NV index. */
    public static final int PLATFORM_CERT_INDEX = 0x01C08000;
    /** The storage primary key's persistent handle. */
    public static final int SPK_HANDLE = 0x81000001;

    /** What to make. {@code pcrBanks} null leaves the allocation as it is. */
    public record Options(boolean createSpk, boolean eccSpk, int rsaKeySize, boolean createEk, boolean ekCert,
                          boolean platformCert, boolean lockNvram, boolean allowSigning, boolean decryption,
                          boolean eccP256, List<String> pcrBanks, boolean reconfigure) {}

    /** Makes the certificates: DER, or null for none. */
    public interface Certificates {
        byte[] ek(EkKind kind, PublicKey key) throws IOException, GeneralSecurityException;

        byte[] platform(EkKind kind, PublicKey key) throws IOException, GeneralSecurityException;
    }

    /** One EK as made: where it is, its public area and Name, and its certificate (or null). */
    public record MadeEk(EkKind kind, TpmtPublic publicArea, Bytes name, byte[] certificate) {}

    /** A command the TPM refused. */
    public static final class TpmCommandException extends IOException {
        public TpmCommandException(String message) { super(message); }
    }

    private final TpmDevice tpm;
    private final Consumer<String> log;

    public Manufacture(TpmDevice tpm, Consumer<String> log) {
        this.tpm = tpm;
        this.log = log;
    }

    /** Sends TPM2_Startup(CLEAR). */
    public void startup() throws IOException {
        call(new Startup(TpmSu.CLEAR), "TPM2_Startup");
    }

    /** Runs the sequence on a started TPM and shuts it down; returns the EKs made. */
    public List<MadeEk> run(Options o, Certificates certs) throws IOException, GeneralSecurityException {
        List<MadeEk> made = new ArrayList<>();
        if (!o.reconfigure()) {
            if (o.createSpk()) createSpk(o.eccSpk(), o.rsaKeySize());
            if (o.createEk() || o.ekCert() || o.platformCert()) {
                List<EkKind> kinds = new ArrayList<>(List.of(EkKind.rsa(o.rsaKeySize()), EkKind.ECC_P384));
                if (o.eccP256()) kinds.add(EkKind.ECC_P256);
                boolean first = true;
                for (EkKind k : kinds) {
                    made.add(createEk(k, o, certs, first));
                    first = false;
                }
            }
        }
        if (o.pcrBanks() != null) allocatePcrBanks(o.pcrBanks());
        call(new Shutdown(TpmSu.CLEAR), "TPM2_Shutdown");
        return made;
    }

    private void createSpk(boolean ecc, int rsaKeySize) throws IOException {
        TpmtPublic t;
        if (ecc) {
            t = TpmtPublic.of(TpmAlg.SHA384, Templates.SRK_ATTRIBUTES, Bytes.EMPTY,
                    new TpmsEccParms(TpmtSymDefObject.aes(256, TpmAlg.CFB), TpmtEccScheme.NULL, Templates.NIST_P384,
                            TpmtKdfScheme.NULL),
                    TpmsEccPoint.zeros(48));
        } else if (rsaKeySize == 3072) {
            t = TpmtPublic.of(TpmAlg.SHA384, Templates.SRK_ATTRIBUTES, Bytes.EMPTY,
                    new TpmsRsaParms(TpmtSymDefObject.aes(256, TpmAlg.CFB), TpmtRsaScheme.NULL, 3072, 0),
                    new TpmuPublicId.Rsa(Bytes.zeros(384)));
        } else {
            t = Templates.RSA_2048_SRK;
        }
        int h = createPrimary(TpmRh.OWNER, t).objectHandle();
        evict(TpmRh.OWNER, h, SPK_HANDLE);
        log.accept("Successfully created storage primary key with handle 0x" + Integer.toHexString(SPK_HANDLE) + ".");
    }

    private MadeEk createEk(EkKind k, Options o, Certificates certs, boolean first)
            throws IOException, GeneralSecurityException {
        TpmtPublic template = k.template(o.allowSigning(), o.decryption());
        var r = createPrimary(TpmRh.ENDORSEMENT, template);
        evict(TpmRh.OWNER, r.objectHandle(), k.persistentHandle());
        log.accept("Successfully created " + k.fileTag() + " EK with handle 0x" + Integer.toHexString(k.persistentHandle()) + ".");
        if (o.allowSigning()) {
            writeNv(k.templateIndex(), template.marshal().toArray(), o.lockNvram(), "EK template");
            log.accept("Successfully created NVRAM area 0x" + Integer.toHexString(k.templateIndex()) + " for the " + k.fileTag() + " EK template.");
        }
        PublicKey key = publicKey(r.outPublic());
        byte[] cert = null;
        if (o.ekCert()) {
            cert = certs.ek(k, key);
            writeNv(k.certIndex(), cert, o.lockNvram(), "EK certificate");
            log.accept("Successfully created NVRAM area 0x" + Integer.toHexString(k.certIndex()) + " for the " + k.fileTag() + " EK certificate.");
        }
        if (o.platformCert() && first) {
            byte[] pc = certs.platform(k, key);
            writeNv(PLATFORM_CERT_INDEX, pc, o.lockNvram(), "platform certificate");
            log.accept("Successfully created NVRAM area 0x" + Integer.toHexString(PLATFORM_CERT_INDEX) + " for the platform certificate.");
        }
        return new MadeEk(k, r.outPublic(), r.name(), cert);
    }

    private dev.jtpm.types.command.CreatePrimaryResponse createPrimary(int hierarchy, TpmtPublic template) throws IOException {
        return call(new CreatePrimary(hierarchy, TpmsSensitiveCreate.EMPTY, template, Bytes.EMPTY,
                new TpmlPcrSelection(List.of())), "TPM2_CreatePrimary");
    }

    private void evict(int auth, int transientHandle, int persistent) throws IOException {
        try {
            call(new EvictControl(auth, transientHandle, persistent), "TPM2_EvictControl");
        } finally {
            call(new FlushContext(transientHandle), "TPM2_FlushContext");
        }
    }

    private void writeNv(int index, byte[] data, boolean lock, String purpose) throws IOException {
        call(new NvDefineSpace(TpmRh.PLATFORM, Secret.EMPTY,
                new TpmsNvPublic(index, TpmAlg.SHA256, NV_ATTRIBUTES, Bytes.EMPTY, data.length)),
                "TPM2_NV_DefineSpace (" + purpose + ")");
        for (int off = 0; off < data.length; off += 1024) {
            int n = Math.min(1024, data.length - off);
            call(new NvWrite(TpmRh.PLATFORM, index, Bytes.of(data, off, n), off), "TPM2_NV_Write (" + purpose + ")");
        }
        if (lock) call(new NvWriteLock(TpmRh.PLATFORM, index), "TPM2_NV_WriteLock (" + purpose + ")");
    }

    /** The names of the PCR banks swtpm_setup knows, by hash algorithm. */
    public static final Map<String, Integer> BANKS = bankNames();

    private static Map<String, Integer> bankNames() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("sha1", TpmAlg.SHA1);
        m.put("sha256", TpmAlg.SHA256);
        m.put("sha384", TpmAlg.SHA384);
        m.put("sha512", TpmAlg.SHA512);
        m.put("sm3-256", TpmAlg.SM3_256);
        return m;
    }

    /** The banks the TPM has (GetCapability(TPM_CAP_PCRS)), in its order. */
    public List<Integer> allPcrBanks() throws IOException {
        var r = call(new GetCapability(TpmCap.PCRS, 0, 1), "TPM2_GetCapability");
        List<Integer> all = new ArrayList<>();
        for (TpmsPcrSelection s : ((TpmlPcrSelection) r.capabilityData().data()).pcrSelections()) all.add(s.hash());
        return all;
    }

    private void allocatePcrBanks(List<String> requested) throws IOException {
        List<Integer> all = allPcrBanks();
        List<String> active = new ArrayList<>();
        List<Integer> chosen = new ArrayList<>();
        for (String name : requested) {
            Integer alg = BANKS.get(name);
            if (alg != null && all.contains(alg) && !chosen.contains(alg)) {
                chosen.add(alg);
                active.add(name);
            }
        }
        if (chosen.isEmpty())
            throw new IOException("No PCR banks could be allocated. None of the selected algorithms are supported.");
        List<TpmsPcrSelection> sel = new ArrayList<>();
        for (int alg : chosen) sel.add(new TpmsPcrSelection(alg, Bytes.of((byte) 0xff, (byte) 0xff, (byte) 0xff)));
        for (int alg : all) if (!chosen.contains(alg)) sel.add(new TpmsPcrSelection(alg, Bytes.zeros(3)));
        var r = call(new PcrAllocate(TpmRh.PLATFORM, new TpmlPcrSelection(sel)), "TPM2_PCR_Allocate");
        if (!r.allocationSuccess()) throw new IOException("TPM2_PCR_Allocate did not succeed");
        List<String> allNames = new ArrayList<>();
        for (int alg : all) BANKS.forEach((n, a) -> { if (a == alg) allNames.add(n); });
        log.accept("Successfully activated PCR banks " + String.join(",", active) + " among " + String.join(",", allNames) + ".");
    }

    private <R extends Record, C extends Record & TpmCommand<R>> R call(C command, String what) throws IOException {
        byte[] resp = tpm.execute(CommandBytes.encode(command), 0);
        CommandBytes.Result<R> r = CommandBytes.decode(command, resp);
        if (!r.ok()) throw new TpmCommandException(what + " failed: TPM_RC 0x" + String.format("%03x", r.rc().value()));
        return r.response();
    }

    /** The JCA public key of an RSA or ECC (P-256, P-384, P-521) public area. */
    public static PublicKey publicKey(TpmtPublic p) throws GeneralSecurityException {
        return switch (p.parameters()) {
            case TpmsRsaParms r -> {
                int e = r.exponent() == 0 ? 65537 : r.exponent();
                byte[] n = ((TpmuPublicId.Rsa) p.unique()).n().toArray();
                yield KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(new BigInteger(1, n), BigInteger.valueOf(e)));
            }
            case TpmsEccParms ec -> {
                String curve = switch (ec.curveID()) {
                    case Templates.NIST_P256 -> "secp256r1";
                    case Templates.NIST_P384 -> "secp384r1";
                    case Templates.NIST_P521 -> "secp521r1";
                    default -> throw new GeneralSecurityException("unsupported curve 0x" + Integer.toHexString(ec.curveID()));
                };
                AlgorithmParameters ap = AlgorithmParameters.getInstance("EC");
                ap.init(new ECGenParameterSpec(curve));
                TpmsEccPoint q = (TpmsEccPoint) p.unique();
                yield KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(
                        new ECPoint(new BigInteger(1, q.x().toArray()), new BigInteger(1, q.y().toArray())),
                        ap.getParameterSpec(ECParameterSpec.class)));
            }
            default -> throw new GeneralSecurityException("not an RSA or ECC key");
        };
    }
}
