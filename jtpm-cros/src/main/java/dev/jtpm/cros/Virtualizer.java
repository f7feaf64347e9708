package dev.jtpm.cros;

import dev.jtpm.types.TpmDevice;
import java.util.Map;
import java.util.TreeMap;

/**
 * vtpm's {@code Virtualizer} with the gLinux profile (reference §2.2): a virtual TPM whose vSRK (0x81000002), vEK
 * (0x81010002) and vEK certificate (NV 0x01C0000A) are made on, or served from, the host TPM behind it. The header
 * is checked first (a header-only error with that code), then the command code picks a command or the fallback
 * (TPM_RC_COMMAND_CODE). One command at a time, as on vtpmd's D-Bus thread.
 */
public final class Virtualizer implements TpmDevice {
    /** {@code kSrkHandle}. */
    public static final int SRK_HANDLE = 0x81000002;
    /** {@code kEkHandle}. */
    public static final int EK_HANDLE = 0x81010002;
    /** {@code kVekCertIndex}. */
    public static final int VEK_CERT_INDEX = 0x01C0000A;

    private final Map<Integer, VtpmCommand> table = new TreeMap<>();
    private final VtpmCommand fallback = new UnsupportedCommand();
    private final HandleManager handles;
    private final TpmDevice backend;

    Virtualizer(TpmDevice backend, HostTpm host, Blob vsrk, Blob vek, Blob vekCert,
                EndorsementPasswordChanger.RealPassword endorsementPassword) {
        this.backend = backend;
        NvSpaceManager nv = new NvSpaceManager(VEK_CERT_INDEX, vekCert);
        this.handles = new HandleManager(host, nv, Map.of(SRK_HANDLE, vsrk, EK_HANDLE, vek));
        ForwardCommand forward = new ForwardCommand(host, handles, new EndorsementPasswordChanger(endorsementPassword));
        for (int cc : ForwardCommand.HANDLE_COUNTS.keySet()) table.put(cc, forward);
        table.put(NvReadCommand.CC, new NvReadCommand(nv));
        table.put(NvReadPublicCommand.CC, new NvReadPublicCommand(nv));
        table.put(SelfTestCommand.CC, new SelfTestCommand());
        table.put(GetCapabilityCommand.CC, null); // registered before the property manager is built from the table
        TpmProperties properties = new TpmProperties(table.keySet());
        table.put(GetCapabilityCommand.CC, new GetCapabilityCommand(host, handles, properties));
    }

    /**
     * The gLinux profile on {@code backend}: state (vsrk.blob, vek.blob, vek_cert.blob) in {@code stateDir}, the vEK
     * certificate from {@code certSource}, the host's endorsement password from {@code endorsementPassword}.
     */
    public static Virtualizer gLinux(TpmDevice backend, java.nio.file.Path stateDir, CertSource certSource,
                                     byte[] endorsementPassword) {
        HostTpm host = new HostTpm(backend);
        HostBoundKey vsrk = new HostBoundKey(host, new BlobFile(stateDir.resolve("vsrk.blob")), HostTpm.vsrkTemplate(),
                false);
        Endorsement.CertSource src = switch (certSource) {
            case CertSource.LocalCa ca -> new Endorsement.CertSource.Ca(ca.dir());
            case CertSource.File f -> new Endorsement.CertSource.File(f.path());
        };
        Endorsement e = new Endorsement(host, stateDir, src);
        byte[] pw = endorsementPassword.clone();
        return new Virtualizer(backend, host, vsrk, e::endorsementKey, e::endorsementCertificate, pw::clone);
    }

    /** Where the vEK certificate comes from. */
    public sealed interface CertSource {
        /** Issued by jtpm's local CA in {@code dir} (created on first use). */
        record LocalCa(java.nio.file.Path dir) implements CertSource {}

        /** A certificate file (DER or PEM), served as is. */
        record File(java.nio.file.Path path) implements CertSource {}
    }

    /** Runs one guest command; never throws: every failure is a TPM response. */
    public synchronized byte[] execute(byte[] command) {
        CommandReader.Header h;
        try {
            h = CommandReader.header(command);
        } catch (VtpmException e) {
            return Responses.headerOnly(e.rc());
        }
        VtpmCommand c = table.getOrDefault(h.cc(), fallback);
        try {
            return c.run(command);
        } catch (RuntimeException e) {
            return Responses.headerOnly(VtpmRc.FAILURE);
        }
    }

    @Override
    public byte[] execute(byte[] command, int locality) {
        return execute(command);
    }

    /** Makes the host SRK (if missing), the vSRK, the vEK and its certificate now rather than on first use. */
    public synchronized void prepare() throws java.io.IOException {
        byte[] rsp = execute(new byte[] {(byte) 0x80, 1, 0, 0, 0, 22, 0, 0, 1, 0x7A, 0, 0, 0, 1, (byte) 0x81, 0, 0, 0, 0, 0, 0, 2});
        if (Responses.rc(rsp) != 0) throw new java.io.IOException(String.format("virtual keys unavailable: TPM_RC 0x%X", Responses.rc(rsp)));
        byte[] nv = execute(new byte[] {(byte) 0x80, 1, 0, 0, 0, 14, 0, 0, 1, 0x69, 1, (byte) 0xC0, 0, 0x0A});
        if (Responses.rc(nv) != 0) throw new java.io.IOException(String.format("vEK certificate unavailable: TPM_RC 0x%X", Responses.rc(nv)));
    }

    /** The handle bookkeeping (tests). */
    HandleManager handles() { return handles; }

    @Override
    public void close() throws java.io.IOException {
        backend.close();
    }
}
