package dev.jtpm.engine;

import dev.jtpm.engine.platform.Platform;

/** Placeholder while the engine is being written. */
final class TpmCore {
    private final Platform platform;
    private boolean on;
    TpmCore(Platform platform) { this.platform = platform; }
    boolean init() { on = true; return true; }
    void powerOff() { on = false; }
    boolean isPoweredOn() { return on; }
    boolean isStarted() { return false; }
    byte[] execute(byte[] command, int locality) {
        return new byte[] {(byte) 0x80, 1, 0, 0, 0, 10, 0, 0, 1, 1};
    }
    int lastCommandCode() { return 0; }
    void hashStart() {}
    void hashData(byte[] data) {}
    void hashEnd() {}
    boolean tpmEstablished() { return false; }
    boolean resetEstablished(int locality) { return locality >= 3; }
    void storeVolatile() throws java.io.IOException {}
    byte[] volatileState() { return new byte[0]; }
    byte[] permanentState() { return new byte[0]; }
    void cancel() {}
}
