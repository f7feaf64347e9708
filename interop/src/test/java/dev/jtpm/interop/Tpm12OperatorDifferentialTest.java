package dev.jtpm.interop;

import static dev.jtpm.tpm12.Tpm12Client.params;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.tpm12.Ordinal;
import dev.jtpm.tpm12.Tpm12Client;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * TPM_SetOperatorAuth, TPM_SetTempDeactivated, TPM_ResetLockValue, TPM_DirWriteAuth and TPM_DirRead on jtpm and on swtpm 0.7.1's TPM 1.2: physical
 * presence, no operator yet, wrong and right operator secrets, the flags after each (octets), deactivation until the
 * next Startup(ST_CLEAR), and the dictionary-attack lockout reset by the owner (also while locked out), a wrong owner
 * secret disabling the reset while a lockout runs (and only then), TPM_CAP_DA_LOGIC along the way.
 */
@Timeout(300)
class Tpm12OperatorDifferentialTest {
    private final List<String> diffs = new ArrayList<>();
    private static final byte[] OPERATOR = fill(0x0F), OWNER = fill(0x42), WRONG = fill(0x66);

    static byte[] fill(int v) {
        byte[] b = new byte[20];
        Arrays.fill(b, (byte) v);
        return b;
    }

    private static byte[] cmd(int ordinal, Object... parts) { return Tpm12Client.command(0xC1, ordinal, params(parts)); }

    private void both(Tpm12Pair p, String what, byte[] command) throws Exception {
        byte[] j = p.jtpmDevice.execute(command, 0), s = p.swtpmDevice.execute(command, 0);
        if (!Arrays.equals(j, s)) diffs.add(what + "\n  jtpm  " + HexFormat.of().formatHex(j) + "\n  swtpm " + HexFormat.of().formatHex(s));
    }

    private void same(String what, Tpm12Client.Response j, Tpm12Client.Response s) {
        if (j.rc() != s.rc()) diffs.add(what + ": jtpm 0x" + Integer.toHexString(j.rc()) + " swtpm 0x" + Integer.toHexString(s.rc()));
    }

    private void flags(Tpm12Pair p, String when) throws Exception {
        both(p, "permanent flags " + when, cmd(Ordinal.GetCapability, 4, 4, 0x108));
        both(p, "volatile flags " + when, cmd(Ordinal.GetCapability, 4, 4, 0x109));
    }

    @Test
    void operatorAndLockReset_answerAsSwtpm() throws Exception {
        try (Tpm12Pair p = new Tpm12Pair()) {
            Tpm12Client j = new Tpm12Client(p.jtpmDevice, new Random(1)), s = new Tpm12Client(p.swtpmDevice, new Random(1));
            both(p, "Startup", cmd(Ordinal.Startup, (short) 1));
            for (int ord : new int[] {Ordinal.SetOperatorAuth, Ordinal.SetTempDeactivated, Ordinal.ResetLockValue}) {
                both(p, "TPM_CAP_ORD 0x" + Integer.toHexString(ord), cmd(Ordinal.GetCapability, 1, 4, ord));
            }
            both(p, "SetOperatorAuth without presence", cmd(Ordinal.SetOperatorAuth, OPERATOR));
            both(p, "SetTempDeactivated without presence", cmd(Ordinal.SetTempDeactivated));
            same("SetTempDeactivated AUTH1 without an operator", j.auth1(Ordinal.SetTempDeactivated, new byte[0], new byte[0], j.oiap(),
                    OPERATOR, false), s.auth1(Ordinal.SetTempDeactivated, new byte[0], new byte[0], s.oiap(), OPERATOR, false));
            both(p, "PP cmd enable", cmd(Ordinal.TSC_PhysicalPresence, (short) 0x20));
            both(p, "PP present", cmd(Ordinal.TSC_PhysicalPresence, (short) 0x08));
            both(p, "SetOperatorAuth short", cmd(Ordinal.SetOperatorAuth, new byte[19]));
            both(p, "SetOperatorAuth", cmd(Ordinal.SetOperatorAuth, OPERATOR));
            flags(p, "after SetOperatorAuth");
            same("SetTempDeactivated wrong operator", j.auth1(Ordinal.SetTempDeactivated, new byte[0], new byte[0], j.oiap(), WRONG, false),
                    s.auth1(Ordinal.SetTempDeactivated, new byte[0], new byte[0], s.oiap(), WRONG, false));
            same("SetTempDeactivated operator", j.auth1(Ordinal.SetTempDeactivated, new byte[0], new byte[0], j.oiap(), OPERATOR, false),
                    s.auth1(Ordinal.SetTempDeactivated, new byte[0], new byte[0], s.oiap(), OPERATOR, false));
            flags(p, "after SetTempDeactivated");
            both(p, "GetRandom deactivated", cmd(Ordinal.GetRandom, 4));
            both(p, "SetTempDeactivated again", cmd(Ordinal.SetTempDeactivated));
            // the next boot: active again
            assertThat(p.jtpmDevice.ctrl().init(0)).isZero();
            assertThat(p.swtpmDevice.ctrl().init(0)).isZero();
            both(p, "Startup after init", cmd(Ordinal.Startup, (short) 1));
            flags(p, "after the next Startup");
            both(p, "PP cmd enable", cmd(Ordinal.TSC_PhysicalPresence, (short) 0x20));
            both(p, "PP present", cmd(Ordinal.TSC_PhysicalPresence, (short) 0x08));
            both(p, "SetTempDeactivated by presence", cmd(Ordinal.SetTempDeactivated));
            flags(p, "after SetTempDeactivated by presence");
            assertThat(p.jtpmDevice.ctrl().init(0)).isZero();
            assertThat(p.swtpmDevice.ctrl().init(0)).isZero();
            both(p, "Startup after init", cmd(Ordinal.Startup, (short) 1));
            // the lock reset needs an owner
            both(p, "ResetLockValue without owner", Tpm12Client.command(0xC2, Ordinal.ResetLockValue, params(1, new byte[20], false, new byte[20])));
            for (Tpm12Client c : List.of(j, s)) {
                Tpm12Client.Response ek = c.createEndorsementKeyPair();
                RSAPublicKey pub = Tpm12Client.pubkey(Arrays.copyOf(ek.body(), ek.body().length - 20));
                assertThat(c.takeOwnership(pub, OWNER, new byte[20]).rc()).isZero();
            }
            both(p, "ResetLockValue without a session", cmd(Ordinal.ResetLockValue));
            for (int i = 0; i < 7; i++) {
                same("wrong owner " + i, j.auth1(Ordinal.GetCapabilityOwner, new byte[0], new byte[0], j.oiap(), WRONG, false),
                        s.auth1(Ordinal.GetCapabilityOwner, new byte[0], new byte[0], s.oiap(), WRONG, false));
            }
            same("owner while locked out", j.auth1(Ordinal.GetCapabilityOwner, new byte[0], new byte[0], j.oiap(), OWNER, false),
                    s.auth1(Ordinal.GetCapabilityOwner, new byte[0], new byte[0], s.oiap(), OWNER, false));
            same("ResetLockValue while locked out", j.auth1(Ordinal.ResetLockValue, new byte[0], new byte[0], j.oiap(), OWNER, false),
                    s.auth1(Ordinal.ResetLockValue, new byte[0], new byte[0], s.oiap(), OWNER, false));
            both(p, "DA logic after the reset", cmd(Ordinal.GetCapability, 0x19, 2, (short) 4));
            same("owner after the reset", j.auth1(Ordinal.GetCapabilityOwner, new byte[0], new byte[0], j.oiap(), OWNER, false),
                    s.auth1(Ordinal.GetCapabilityOwner, new byte[0], new byte[0], s.oiap(), OWNER, false));
            same("ResetLockValue wrong owner", j.auth1(Ordinal.ResetLockValue, new byte[0], new byte[0], j.oiap(), WRONG, false),
                    s.auth1(Ordinal.ResetLockValue, new byte[0], new byte[0], s.oiap(), WRONG, false));
            same("ResetLockValue after a wrong one", j.auth1(Ordinal.ResetLockValue, new byte[0], new byte[0], j.oiap(), OWNER, false),
                    s.auth1(Ordinal.ResetLockValue, new byte[0], new byte[0], s.oiap(), OWNER, false));
            // locked out again: a wrong reset disables the reset while the lockout runs
            for (int i = 0; i < 6; i++) {
                same("wrong owner again " + i, j.auth1(Ordinal.GetCapabilityOwner, new byte[0], new byte[0], j.oiap(), WRONG, false),
                        s.auth1(Ordinal.GetCapabilityOwner, new byte[0], new byte[0], s.oiap(), WRONG, false));
            }
            same("ResetLockValue wrong owner while locked out", j.auth1(Ordinal.ResetLockValue, new byte[0], new byte[0], j.oiap(), WRONG,
                    false), s.auth1(Ordinal.ResetLockValue, new byte[0], new byte[0], s.oiap(), WRONG, false));
            Tpm12Client.Response jr = j.auth1(Ordinal.ResetLockValue, new byte[0], new byte[0], j.oiap(), OWNER, false);
            same("ResetLockValue disabled", jr, s.auth1(Ordinal.ResetLockValue, new byte[0], new byte[0], s.oiap(), OWNER, false));
            assertThat(jr.rc()).as("disabled while locked out").isEqualTo(1);
            both(p, "DA logic at the end", cmd(Ordinal.GetCapability, 0x19, 2, (short) 4));
        }
        assertThat(diffs).isEmpty();
    }

    @Test
    void dataIntegrityRegister_answersAsSwtpm() throws Exception {
        try (Tpm12Pair p = new Tpm12Pair()) {
            Tpm12Client j = new Tpm12Client(p.jtpmDevice, new Random(1)), s = new Tpm12Client(p.swtpmDevice, new Random(1));
            both(p, "Startup", cmd(Ordinal.Startup, (short) 1));
            for (int ord : new int[] {Ordinal.DirWriteAuth, Ordinal.DirRead}) {
                both(p, "TPM_CAP_ORD 0x" + Integer.toHexString(ord), cmd(Ordinal.GetCapability, 1, 4, ord));
            }
            both(p, "DirRead 0", cmd(Ordinal.DirRead, 0));
            both(p, "DirRead 1", cmd(Ordinal.DirRead, 1));
            both(p, "DirWriteAuth without a session", cmd(Ordinal.DirWriteAuth, 0, fill(1)));
            same("DirWriteAuth without an owner", j.auth1(Ordinal.DirWriteAuth, new byte[0], params(0, fill(1)), j.oiap(), OWNER, false),
                    s.auth1(Ordinal.DirWriteAuth, new byte[0], params(0, fill(1)), s.oiap(), OWNER, false));
            for (Tpm12Client c : List.of(j, s)) {
                Tpm12Client.Response ek = c.createEndorsementKeyPair();
                RSAPublicKey pub = Tpm12Client.pubkey(Arrays.copyOf(ek.body(), ek.body().length - 20));
                assertThat(c.takeOwnership(pub, OWNER, new byte[20]).rc()).isZero();
            }
            Tpm12Client.Response jr = j.auth1(Ordinal.DirWriteAuth, new byte[0], params(0, fill(0x5A)), j.oiap(), OWNER, false);
            same("DirWriteAuth", jr, s.auth1(Ordinal.DirWriteAuth, new byte[0], params(0, fill(0x5A)), s.oiap(), OWNER, false));
            assertThat(jr.rc()).isZero();
            both(p, "DirRead after the write", cmd(Ordinal.DirRead, 0));
            same("DirWriteAuth index 1", j.auth1(Ordinal.DirWriteAuth, new byte[0], params(1, fill(2)), j.oiap(), OWNER, false),
                    s.auth1(Ordinal.DirWriteAuth, new byte[0], params(1, fill(2)), s.oiap(), OWNER, false));
            same("DirWriteAuth wrong owner", j.auth1(Ordinal.DirWriteAuth, new byte[0], params(0, fill(3)), j.oiap(), WRONG, false),
                    s.auth1(Ordinal.DirWriteAuth, new byte[0], params(0, fill(3)), s.oiap(), WRONG, false));
            Tpm12Client.Session jo = j.osap(2, 0x40000001, OWNER), so = s.osap(2, 0x40000001, OWNER);
            same("DirWriteAuth under owner OSAP", j.auth1(Ordinal.DirWriteAuth, new byte[0], params(0, fill(4)), jo, null, false),
                    s.auth1(Ordinal.DirWriteAuth, new byte[0], params(0, fill(4)), so, null, false));
            both(p, "DirRead at the end", cmd(Ordinal.DirRead, 0));
        }
        assertThat(diffs).isEmpty();
    }
}
