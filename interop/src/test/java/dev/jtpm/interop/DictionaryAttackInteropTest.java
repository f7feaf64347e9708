package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.interop.JtpmServer.Protocol;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** tpm2_dictionarylockout and wrong passwords: jtpm answers what swtpm (libtpms) answers. */
class DictionaryAttackInteropTest {
    private static List<String> session(String tcti) {
        List<String> out = new ArrayList<>();
        out.add(Tools.tpm2(tcti, "tpm2_dictionarylockout", "-s", "-n", "5", "-t", "6", "-l", "7").outcome());
        String vars = Tools.tpm2(tcti, "tpm2_getcap", "properties-variable").ok().out();
        for (String key : new String[] {"TPM2_PT_LOCKOUT_COUNTER", "TPM2_PT_MAX_AUTH_FAIL", "TPM2_PT_LOCKOUT_INTERVAL",
                "TPM2_PT_LOCKOUT_RECOVERY"}) {
            int at = vars.indexOf(key);
            out.add(key + vars.substring(at + key.length(), vars.indexOf('\n', at)).trim());
        }
        // owner hierarchy: no DA implications
        out.add(Tools.tpm2(tcti, "tpm2_setclock", "-c", "o", "-p", "wrong", "99999999999").outcome());
        // lockout: a wrong password disables lockoutAuth for lockoutRecovery seconds
        out.add(Tools.tpm2(tcti, "tpm2_dictionarylockout", "-c", "-p", "wrong").outcome());
        out.add(Tools.tpm2(tcti, "tpm2_dictionarylockout", "-c").outcome());
        return out;
    }

    @Test
    void lockoutParametersAndFailures_sameAsSwtpm() {
        Tools.require("swtpm");
        List<String> reference;
        try (SwtpmReference swtpm = new SwtpmReference()) {
            reference = session(swtpm.tcti());
        }
        assertThat(reference).contains("ok", "0x9a2", "0x98e", "0x921");
        try (JtpmServer jtpm = JtpmServer.started(Protocol.SWTPM)) {
            assertThat(session(jtpm.tcti())).containsExactlyElementsOf(reference);
        }
    }
}
