package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.interop.JtpmServer.Protocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** tpm2_evictcontrol: persistent keys survive a server restart, and the outcomes match swtpm's. */
class PersistentObjectInteropTest {
    private static String name(String tcti, String ctx) {
        String out = Tools.tpm2(tcti, "tpm2_readpublic", "-c", ctx).ok().out();
        int at = out.indexOf("name: ");
        return out.substring(at + 6, out.indexOf('\n', at)).trim();
    }

    /** Everything but the restart; returns outcomes and the persistent key's Name. */
    private static List<String> session(String t, Path dir) {
        String ctx = dir.resolve("p.ctx").toString();
        List<String> out = new ArrayList<>();
        Tools.tpm2(t, "tpm2_createprimary", "-C", "o", "-G", "ecc", "-c", ctx).ok();
        out.add(Tools.tpm2(t, "tpm2_evictcontrol", "-C", "o", "-c", ctx, "0x81000001").outcome());
        out.add(Tools.tpm2(t, "tpm2_evictcontrol", "-C", "o", "-c", ctx, "0x81000001").outcome());   // taken
        out.add(Tools.tpm2(t, "tpm2_evictcontrol", "-C", "o", "-c", ctx, "0x81800001").outcome());   // platform range
        out.add(Tools.tpm2(t, "tpm2_evictcontrol", "-C", "p", "-c", ctx, "0x81800001").outcome());   // owner object
        Tools.tpm2(t, "tpm2_flushcontext", "-t").ok();
        out.add(Tools.tpm2(t, "tpm2_getcap", "handles-persistent").ok().out().trim());
        return out;
    }

    @Test
    void evictControl_sameOutcomesAsSwtpm_andPersistentKeySurvivesRestart() throws Exception {
        Tools.require("swtpm");
        List<String> reference;
        try (SwtpmReference swtpm = new SwtpmReference()) {
            reference = session(swtpm.tcti(), Files.createTempDirectory("evict-swtpm"));
        }
        assertThat(reference.get(0)).isEqualTo("ok");
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM)) {
            String t = s.tcti();
            assertThat(session(t, Files.createTempDirectory("evict-jtpm"))).containsExactlyElementsOf(reference);
            String before = name(t, "0x81000001");
            s.restart();
            t = s.tcti();                     // the restarted server listens on new ports
            assertThat(Tools.tpm2(t, "tpm2_getcap", "handles-persistent").ok().out()).contains("0x81000001");
            assertThat(name(t, "0x81000001")).isEqualTo(before);
            // the persistent key works as a parent after the restart
            Path dir = Files.createTempDirectory("evict-child");
            Tools.tpm2(t, "tpm2_create", "-C", "0x81000001", "-G", "ecc", "-u", dir.resolve("k.pub").toString(),
                    "-r", dir.resolve("k.priv").toString()).ok();
            Tools.tpm2(t, "tpm2_evictcontrol", "-C", "o", "-c", "0x81000001").ok();
            assertThat(Tools.tpm2(t, "tpm2_getcap", "handles-persistent").ok().out()).doesNotContain("0x81000001");
        }
    }
}
