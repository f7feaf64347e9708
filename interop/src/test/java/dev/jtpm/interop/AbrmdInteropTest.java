package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.interop.JtpmServer.Protocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Through tpm2-abrmd, the resource manager tpm2-tools' own integration tests run behind: abrmd swaps every object
 * and session in and out of the TPM with ContextSave/ContextLoad/FlushContext around every command, so policy
 * sessions (their assertions included), salted HMAC sessions, audit sessions, objects and NV indices must survive
 * being saved and loaded between each tool. One `dbus-run-session` per test with its own abrmd on a private name.
 */
class AbrmdInteropTest {
    @Test
    void policyHmacAndAuditSessions_objectsAndNv_throughTpm2Abrmd() throws Exception {
        Tools.require("tpm2-abrmd");
        Tools.require("dbus-run-session");
        Path dir = Files.createTempDirectory("jtpm-abrmd");
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM)) {
            String script = """
                    set -e
                    tpm2-abrmd --allow-root --session --dbus-name=dev.jtpm.Test --tcti=%s &
                    AB=$!
                    trap 'kill $AB' EXIT
                    for i in $(seq 1 50); do tpm2_getrandom -T "$T" 1 >/dev/null 2>&1 && break; sleep 0.2; done
                    cd %s
                    tpm2_createprimary -T "$T" -C o -c prim.ctx > /dev/null
                    tpm2_startauthsession -T "$T" -S trial.ctx
                    tpm2_policypcr -T "$T" -S trial.ctx -l sha256:7,16 -L pcr.policy > /dev/null
                    tpm2_flushcontext -T "$T" trial.ctx
                    printf 'through abrmd' > secret.txt
                    tpm2_create -T "$T" -C prim.ctx -L pcr.policy -i secret.txt -u s.pub -r s.priv > /dev/null
                    tpm2_load -T "$T" -C prim.ctx -u s.pub -r s.priv -c s.ctx > /dev/null
                    tpm2_startauthsession -T "$T" --policy-session -S ps.ctx
                    tpm2_policypcr -T "$T" -S ps.ctx -l sha256:7,16 > /dev/null
                    echo "unsealed: $(tpm2_unseal -T "$T" -c s.ctx -p session:ps.ctx)"
                    tpm2_flushcontext -T "$T" ps.ctx
                    tpm2_startauthsession -T "$T" --hmac-session -c prim.ctx -S hs.ctx
                    echo "salted: $(tpm2_getrandom -T "$T" 8 -S hs.ctx --hex)"
                    tpm2_startauthsession -T "$T" --audit-session -S au.ctx
                    echo "audited: $(tpm2_getrandom -T "$T" 8 -S au.ctx --hex)"
                    tpm2_nvdefine -T "$T" 0x1500016 -C o -s 32 -a "ownerread|ownerwrite" > /dev/null
                    printf 'hello' > d.txt
                    tpm2_nvwrite -T "$T" 0x1500016 -C o -i d.txt
                    echo "nv: $(tpm2_nvread -T "$T" 0x1500016 -C o -s 5)"
                    """.formatted(s.tcti(), dir);
            Path file = dir.resolve("abrmd.sh");
            Files.writeString(file, script);
            Tools.Run r = Tools.run(Map.of("T", "tabrmd:bus_type=session,bus_name=dev.jtpm.Test", "TSS2_LOG", "all+NONE"),
                    null, "dbus-run-session", "--", "bash", file.toString());
            assertThat(r.exit()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("unsealed: through abrmd", "nv: hello").containsPattern("salted: [0-9a-f]{16}")
                    .containsPattern("audited: [0-9a-f]{16}");
        }
    }
}
