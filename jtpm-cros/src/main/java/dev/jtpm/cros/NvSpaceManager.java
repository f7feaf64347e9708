package dev.jtpm.cros;

import java.util.List;

/**
 * vtpm's {@code VekCertManager}: the one NV index, the vEK certificate at 0x01C0000A. Every call fetches the
 * certificate (attestationd's {@code GetCertificate} in the reference); any other index is TPM_RC_NV_SPACE.
 */
final class NvSpaceManager {
    /** TPMA_NV: PPWRITE | WRITEDEFINE | PLATFORMCREATE | AUTHREAD | NO_DA (no WRITTEN). */
    static final int ATTRIBUTES = 0x42042001;
    static final int NAME_ALG_SHA256 = 0x000B;

    private final int index;
    private final Blob certificate;

    NvSpaceManager(int index, Blob certificate) {
        this.index = index;
        this.certificate = certificate;
    }

    /** {@code Read}: index, then password (only the empty one), then the certificate. */
    byte[] read(int nvIndex, byte[] password) throws VtpmException {
        checkIndex(nvIndex);
        if (password.length != 0) throw new VtpmException(VtpmRc.BAD_AUTH);
        return certificate.get();
    }

    int dataSize(int nvIndex) throws VtpmException {
        checkIndex(nvIndex);
        return certificate.get().length & 0xFFFF;
    }

    int attributes(int nvIndex) throws VtpmException {
        checkIndex(nvIndex);
        return ATTRIBUTES;
    }

    int nameAlgorithm(int nvIndex) throws VtpmException {
        checkIndex(nvIndex);
        return NAME_ALG_SHA256;
    }

    /** Always the one index, whatever start handle was asked for (reference quirk). */
    List<Integer> listHandles() { return List.of(index); }

    private void checkIndex(int nvIndex) throws VtpmException {
        if (nvIndex != index) throw new VtpmException(VtpmRc.NV_SPACE);
    }
}
