package dev.jtpm.cros;

/**
 * The bare response codes vtpm generates itself (reference §4): no handle, parameter or session bits are ever added,
 * so TPM_RC_HANDLE is 0x08B, never 0x18B.
 */
final class VtpmRc {
    private VtpmRc() {}

    static final int SUCCESS = 0x000;
    static final int BAD_TAG = 0x01E;
    static final int VALUE = 0x084;
    static final int HASH = 0x083;
    static final int HANDLE = 0x08B;
    static final int SIZE = 0x095;
    static final int INSUFFICIENT = 0x09A;
    static final int BAD_AUTH = 0x0A2;
    static final int FAILURE = 0x101;
    static final int AUTH_MISSING = 0x125;
    static final int COMMAND_SIZE = 0x142;
    static final int COMMAND_CODE = 0x143;
    static final int AUTHSIZE = 0x144;
    static final int NV_RANGE = 0x146;
    static final int NV_AUTHORIZATION = 0x149;
    static final int NV_SPACE = 0x14B;
}
