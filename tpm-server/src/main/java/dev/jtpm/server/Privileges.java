package dev.jtpm.server;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * {@code --runas}: swtpm's change_process_owner over FFM (Linux, 64-bit). A name is looked up with
 * getpwnam, then initgroups(name, gid) (setgroups), setgid(gid), setuid(uid); a number is taken as
 * uid and gid. glibc applies setgid/setuid to every thread of the process, the JVM's included.
 */
final class Privileges {
    private Privileges() {}

    private static final Linker LINKER = Linker.nativeLinker();

    /** The effective uid of this process, or -1 where it cannot be asked. */
    static int geteuid() {
        try {
            return (int) handle("geteuid", FunctionDescriptor.of(JAVA_INT)).invokeExact();
        } catch (Throwable t) {
            return -1;
        }
    }

    /** The uid of a user name or number, or -1 when there is no such user. */
    static long uidOf(String user) throws OptionException {
        long[] ids = lookup(user);
        return ids == null ? -1 : ids[0];
    }

    /**
     * Becomes {@code user}. Only root may; a non-root process asked to become itself does nothing, and
     * asked to become anyone else is an error.
     *
     * @throws OptionException one line naming what failed
     */
    static void runAs(String user) throws OptionException {
        int euid = geteuid();
        long[] ids = lookup(user);
        if (ids == null) throw new OptionException("--runas: user '" + user + "' does not exist");
        if (euid != 0) {
            if (ids[0] == euid) return;
            throw new OptionException("--runas " + user + ": only root can change the user (this process runs as uid " + euid + ")");
        }
        try (Arena a = Arena.ofConfined()) {
            if (ids[2] == 1) {
                int rc = (int) handle("initgroups", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT))
                        .invokeExact(a.allocateFrom(user), (int) ids[1]);
                if (rc < 0) throw new OptionException("--runas: initgroups(" + user + ", " + ids[1] + ") failed");
            } else {
                int rc = (int) handle("setgroups", FunctionDescriptor.of(JAVA_INT, java.lang.foreign.ValueLayout.JAVA_LONG, ADDRESS))
                        .invokeExact(0L, MemorySegment.NULL);
                if (rc < 0) throw new OptionException("--runas: setgroups failed");
            }
            int rc = (int) handle("setgid", FunctionDescriptor.of(JAVA_INT, JAVA_INT)).invokeExact((int) ids[1]);
            if (rc < 0) throw new OptionException("--runas: setgid(" + ids[1] + ") failed");
            rc = (int) handle("setuid", FunctionDescriptor.of(JAVA_INT, JAVA_INT)).invokeExact((int) ids[0]);
            if (rc < 0) throw new OptionException("--runas: setuid(" + ids[0] + ") failed");
        } catch (OptionException e) {
            throw e;
        } catch (Throwable t) {
            throw new OptionException("--runas: " + t.getMessage());
        }
    }

    /** {uid, gid, 1 when found by name / 0 for a number}, or null when the name does not exist. */
    private static long[] lookup(String user) throws OptionException {
        try {
            long n = Long.parseLong(user);
            if (n < 0 || n > 0xffffffffL) throw new OptionException("--runas: uid " + user + " outside valid range");
            return new long[] {n, n, 0};
        } catch (NumberFormatException e) {
            // a name
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment pw = (MemorySegment) handle("getpwnam", FunctionDescriptor.of(ADDRESS, ADDRESS))
                    .invokeExact(a.allocateFrom(user));
            if (pw.equals(MemorySegment.NULL)) return null;
            // struct passwd on LP64 Linux: char *pw_name, char *pw_passwd, uid_t pw_uid, gid_t pw_gid, ...
            MemorySegment p = pw.reinterpret(24);
            return new long[] {Integer.toUnsignedLong(p.get(JAVA_INT, 16)), Integer.toUnsignedLong(p.get(JAVA_INT, 20)), 1};
        } catch (Throwable t) {
            throw new OptionException("--runas: cannot look up user '" + user + "': " + t.getMessage());
        }
    }

    @SuppressWarnings("restricted") // native access is what this class is for
    private static MethodHandle handle(String name, FunctionDescriptor d) {
        if (!Posix.AVAILABLE) throw new UnsupportedOperationException("native access is not available");
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), d);
    }
}
