package dev.jtpm.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.nio.file.LinkOption;

/**
 * The owner and group a Unix socket file is given ({@code uid=}, {@code gid=} as swtpm takes them, numbers or names;
 * {@code group=NAME} as jtpm's spelling of a group by name). Null parts are left as created.
 */
public record SocketOwner(String user, String group) {

    /** Leave ownership as created. */
    public static final SocketOwner NONE = new SocketOwner(null, null);

    /** From the {@code uid=}, {@code gid=} and {@code group=} values of an option; checks names exist now. */
    static SocketOwner parse(String option, String uid, String gid, String group) throws OptionException {
        if (gid != null && group != null) throw new OptionException(option + ": give gid= or group=, not both");
        String g = gid != null ? gid : group;
        SocketOwner o = new SocketOwner(blankToNull(option, "uid", uid), blankToNull(option, gid != null ? "gid" : "group", g));
        UserPrincipalLookupService lookup = Path.of("/").getFileSystem().getUserPrincipalLookupService();
        try {
            if (o.user != null && !isNumber(o.user)) lookup.lookupPrincipalByName(o.user);
        } catch (IOException e) {
            throw new OptionException(option + ": no such user '" + o.user + "'");
        }
        try {
            if (o.group != null && !isNumber(o.group)) lookup.lookupPrincipalByGroupName(o.group);
        } catch (IOException e) {
            throw new OptionException(option + ": no such group '" + o.group + "'");
        }
        return o;
    }

    private static String blankToNull(String option, String key, String v) throws OptionException {
        if (v == null) return null;
        if (v.isEmpty()) throw new OptionException(option + ": " + key + "= needs a value");
        if (isNumber(v) && Long.parseLong(v) > Integer.MAX_VALUE) throw new OptionException(option + ": bad " + key + " '" + v + "'");
        return v;
    }

    private static boolean isNumber(String s) {
        return !s.isEmpty() && s.length() <= 10 && s.chars().allMatch(Character::isDigit);
    }

    /** Gives {@code file} this owner and group (a no-op for {@link #NONE}). */
    void apply(Path file) throws IOException {
        if (user != null) {
            if (isNumber(user)) {
                Files.setAttribute(file, "unix:uid", Integer.parseInt(user), LinkOption.NOFOLLOW_LINKS);
            } else {
                UserPrincipal p = file.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user);
                Files.setOwner(file, p);
            }
        }
        if (group != null) {
            if (isNumber(group)) {
                Files.setAttribute(file, "unix:gid", Integer.parseInt(group), LinkOption.NOFOLLOW_LINKS);
            } else {
                try {
                    GroupPrincipal g = file.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
                    Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setGroup(g);
                } catch (UserPrincipalNotFoundException e) {
                    throw new IOException("no such group '" + group + "'");
                }
            }
        }
    }
}
