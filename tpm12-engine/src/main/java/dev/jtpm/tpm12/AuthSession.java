package dev.jtpm.tpm12;

/**
 * A loaded OIAP or OSAP session (Part 1, 13): its handle, the TPM's rolling nonceEven and, for OSAP, the shared
 * secret HMAC(entityAuth, nonceEvenOSAP || nonceOddOSAP) and the entity's authData at set-up (libtpms'
 * entityDigest, compared at use).
 */
final class AuthSession {
    static final int PID_OIAP = 1, PID_OSAP = 2;

    final int handle;
    final int protocolId;
    byte[] nonceEven;
    int entityType;
    int entityValue;
    byte[] sharedSecret;
    byte[] entityDigest;

    AuthSession(int handle, int protocolId, byte[] nonceEven) {
        this.handle = handle;
        this.protocolId = protocolId;
        this.nonceEven = nonceEven;
    }

    @Override
    public String toString() { return "AuthSession[" + Integer.toHexString(handle) + (protocolId == PID_OIAP ? " OIAP]" : " OSAP]"); }
}
