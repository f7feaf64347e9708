package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.interop.JtpmServer.Protocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hierarchy commands through tpm2-tools — changeauth, clearcontrol, clear, hierarchycontrol,
 * setprimarypolicy, changeeps, changepps — give the same outcomes on jtpm as on swtpm (libtpms).
 */
class HierarchyInteropTest {
    private static String line(String yaml, String key) {
        int at = yaml.indexOf(key + ":");
        assertThat(at).as(key).isNotNegative();
        int end = yaml.indexOf("\nTPM2_PT", at + 1);
        return yaml.substring(at, end < 0 ? yaml.length() : end).replaceAll("\\s+", " ");
    }

    private static List<String> session(String t) throws Exception {
        Path policy = Files.createTempFile("policy", ".bin");
        Files.write(policy, new byte[32]);
        List<String> out = new ArrayList<>();
        out.add(Tools.tpm2(t, "tpm2_changeauth", "-c", "o", "ownerpw").outcome());
        out.add(Tools.tpm2(t, "tpm2_changeauth", "-c", "o", "-p", "wrong", "x").outcome());
        out.add(Tools.tpm2(t, "tpm2_changeauth", "-c", "o", "-p", "ownerpw").outcome());
        out.add(Tools.tpm2(t, "tpm2_changeauth", "-c", "e", "epw").outcome());
        out.add(Tools.tpm2(t, "tpm2_changeauth", "-c", "l", "lpw").outcome());
        out.add(Tools.tpm2(t, "tpm2_changeauth", "-c", "p", "ppw").outcome());
        String vars = Tools.tpm2(t, "tpm2_getcap", "properties-variable").ok().out();
        out.add(line(vars, "TPM2_PT_PERMANENT"));
        out.add(Tools.tpm2(t, "tpm2_clearcontrol", "-C", "l", "-P", "lpw", "s").outcome());
        out.add(Tools.tpm2(t, "tpm2_clear", "-c", "l", "lpw").outcome());
        out.add(Tools.tpm2(t, "tpm2_clearcontrol", "-C", "l", "-P", "lpw", "c").outcome());
        out.add(line(Tools.tpm2(t, "tpm2_getcap", "properties-variable").ok().out(), "TPM2_PT_PERMANENT"));
        out.add(Tools.tpm2(t, "tpm2_clearcontrol", "-C", "p", "-P", "ppw", "c").outcome());
        out.add(Tools.tpm2(t, "tpm2_hierarchycontrol", "-C", "o", "-P", "", "shEnable", "clear").outcome());
        out.add(Tools.tpm2(t, "tpm2_changeauth", "-c", "o", "y").outcome());
        out.add(Tools.tpm2(t, "tpm2_hierarchycontrol", "-C", "e", "-P", "epw", "shEnable", "set").outcome());
        out.add(Tools.tpm2(t, "tpm2_hierarchycontrol", "-C", "p", "-P", "ppw", "shEnable", "set").outcome());
        out.add(line(Tools.tpm2(t, "tpm2_getcap", "properties-variable").ok().out(), "TPM2_PT_STARTUP_CLEAR"));
        out.add(Tools.tpm2(t, "tpm2_setprimarypolicy", "-C", "o", "-L", policy.toString(), "-g", "sha256").outcome());
        out.add(Tools.tpm2(t, "tpm2_setprimarypolicy", "-C", "o", "-L", policy.toString(), "-g", "sha1").outcome());
        out.add(Tools.tpm2(t, "tpm2_changeeps", "-p", "ppw").outcome());
        out.add(Tools.tpm2(t, "tpm2_changepps", "-p", "ppw").outcome());
        out.add(Tools.tpm2(t, "tpm2_clear", "-c", "l", "lpw").outcome());
        out.add(line(Tools.tpm2(t, "tpm2_getcap", "properties-variable").ok().out(), "TPM2_PT_PERMANENT"));
        String clock = Tools.tpm2(t, "tpm2_readclock").ok().out();
        out.add(clock.contains("reset_count: 0") + " " + clock.contains("restart_count: 0"));
        out.add(Tools.tpm2(t, "tpm2_changeauth", "-c", "l", "-p", "lpw", "z").outcome());   // lockoutAuth is empty now
        return out;
    }

    @Test
    void hierarchyCommands_sameOutcomesAsSwtpm() throws Exception {
        Tools.require("swtpm");
        List<String> reference;
        try (SwtpmReference swtpm = new SwtpmReference()) {
            reference = session(swtpm.tcti());
        }
        try (JtpmServer jtpm = JtpmServer.started(Protocol.SWTPM)) {
            assertThat(session(jtpm.tcti())).containsExactlyElementsOf(reference);
        }
    }
}
