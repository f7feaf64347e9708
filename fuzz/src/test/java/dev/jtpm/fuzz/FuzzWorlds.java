package dev.jtpm.fuzz;

/** The fuzz world's state blobs, for targets in other packages (the server's package-private front-ends). */
public final class FuzzWorlds {
    private FuzzWorlds() {}

    /** The payload of a permanent state file of the world's TPM. */
    public static byte[] permanentBlob() { return EngineWorld.permanentBlob(); }

    /** The payload of a volatile state file of the world's TPM (started, with objects and sessions). */
    public static byte[] volatileBlob() { return EngineWorld.volatileBlob(); }
}
