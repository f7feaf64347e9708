package dev.jtpm.interop;

import static dev.jtpm.tpm12.Tpm12Client.params;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.tpm12.Ordinal;
import dev.jtpm.tpm12.Tpm12Client;
import java.io.IOException;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * jtpm's TPM 1.2 against swtpm 0.7.1's (libtpms) on the same raw commands: response codes everywhere, and the octets
 * where nothing random enters (PCR values, capabilities, flags). Every difference is collected and reported at once.
 */
@Timeout(600)
class Tpm12DifferentialTest {
    private final List<String> diffs = new ArrayList<>();
    private int compared;

    /** Sends to both; compares the codes and, with {@code bytes}, the whole responses. */
    private Tpm12Client.Response[] both(Tpm12Pair p, String what, byte[] cmd, boolean bytes, int locality) throws IOException {
        byte[] j = p.jtpmDevice.execute(cmd, locality);
        byte[] s = p.swtpmDevice.execute(cmd, locality);
        compared++;
        int jrc = rc(j), src = rc(s);
        if (jrc != src) diffs.add(what + ": jtpm 0x" + Integer.toHexString(jrc) + " swtpm 0x" + Integer.toHexString(src));
        else if (bytes && !Arrays.equals(j, s)) {
            diffs.add(what + ": octets differ\n  jtpm  " + HexFormat.of().formatHex(j) + "\n  swtpm " + HexFormat.of().formatHex(s));
        }
        if (j.length >= 2 && s.length >= 2 && (j[1] != s[1])) diffs.add(what + ": response tags differ");
        return new Tpm12Client.Response[] {response(j), response(s)};
    }

    private Tpm12Client.Response[] both(Tpm12Pair p, String what, byte[] cmd) throws IOException {
        return both(p, what, cmd, true, 0);
    }

    private static int rc(byte[] r) { return r.length < 10 ? -1 : java.nio.ByteBuffer.wrap(r, 6, 4).getInt(); }

    private static Tpm12Client.Response response(byte[] r) {
        return new Tpm12Client.Response(r[1] & 0xff, rc(r), Arrays.copyOfRange(r, 10, r.length));
    }

    private static byte[] cmd(int ordinal, Object... parts) { return Tpm12Client.command(0xC1, ordinal, params(parts)); }

    @Test
    void rawCommands_answerAsSwtpm() throws Exception {
        try (Tpm12Pair p = new Tpm12Pair()) {
            // before TPM_Startup
            both(p, "PcrRead before Startup", cmd(Ordinal.PcrRead, 0));
            both(p, "GetCapability before Startup", cmd(Ordinal.GetCapability, 6, 0));
            both(p, "unknown ordinal before Startup", cmd(0x9999));
            both(p, "Startup(bad type)", cmd(Ordinal.Startup, (short) 9));
            both(p, "Startup(CLEAR) after a failed one", cmd(Ordinal.Startup, (short) 1));
            // headers
            // (a paramSize other than the octets sent cannot be tested over a stream: the servers frame by it)
            for (int tag : new int[] {0x00C2, 0x00C3, 0x00C4, 0x8001, 0}) {
                both(p, "PcrRead with tag " + Integer.toHexString(tag), Tpm12Client.command(tag, Ordinal.PcrRead, params(0)));
            }
            for (int ord : new int[] {0, 1, 0x9999, 0x4000000F, 0x20000000, 0x8000_0000, 0x144, 0x17B}) {
                both(p, "ordinal 0x" + Integer.toHexString(ord), cmd(ord));
            }
            // capabilities
            for (int area = 0; area <= 0x1B; area++) {
                both(p, "cap " + area + " empty", cmd(Ordinal.GetCapability, area, 0), area != 0x10, 0);
                both(p, "cap " + area + " u16", cmd(Ordinal.GetCapability, area, 2, (short) 1), area != 0x10, 0);
            }
            for (int sub = 0x100; sub <= 0x126; sub++) both(p, "cap property 0x" + Integer.toHexString(sub), cmd(Ordinal.GetCapability, 5, 4, sub));
            for (int sub : new int[] {0x108, 0x109, 0x10A, 0}) both(p, "cap flag 0x" + Integer.toHexString(sub), cmd(Ordinal.GetCapability, 4, 4, sub));
            for (int pid = 0; pid <= 8; pid++) both(p, "cap pid " + pid, cmd(Ordinal.GetCapability, 3, 2, (short) pid));
            for (int alg = 0; alg <= 8; alg++) both(p, "cap alg " + alg, cmd(Ordinal.GetCapability, 2, 4, alg));
            for (int rt = 0; rt <= 9; rt++) both(p, "cap handle " + rt, cmd(Ordinal.GetCapability, 0x14, 4, rt));
            for (int ord : new int[] {Ordinal.OIAP, Ordinal.OSAP, Ordinal.TakeOwnership, Ordinal.Extend, Ordinal.PcrRead,
                    Ordinal.CreateEndorsementKeyPair, Ordinal.ReadPubek, Ordinal.OwnerClear, Ordinal.ForceClear, 0x9999}) {
                both(p, "cap ord 0x" + Integer.toHexString(ord), cmd(Ordinal.GetCapability, 1, 4, ord), false, 0);
            }
            // PCRs
            for (int i = 0; i <= 25; i++) both(p, "PcrRead " + i, cmd(Ordinal.PcrRead, i));
            byte[] d = new byte[20];
            for (int i = 0; i < 24; i++) {
                Arrays.fill(d, (byte) i);
                for (int loc = 0; loc <= 4; loc++) both(p, "Extend " + i + " at locality " + loc, cmd(Ordinal.Extend, i, d), true, loc);
            }
            both(p, "Extend 24", cmd(Ordinal.Extend, 24, d));
            both(p, "Extend short", Tpm12Client.command(0xC1, Ordinal.Extend, params(0, new byte[19])));
            both(p, "Extend long", Tpm12Client.command(0xC1, Ordinal.Extend, params(0, new byte[21])));
            for (int i = 0; i < 24; i++) both(p, "PcrRead after extends " + i, cmd(Ordinal.PcrRead, i));
            for (int loc = 0; loc <= 4; loc++) {
                for (byte[] sel : new byte[][] {{0, 0, 1}, {0, 0, 2}, {0, 0, 4}, {0, 0, 8}, {0, 0, 0x10}, {0, 0, 0x20}, {0, 0, 0x40},
                        {0, 0, (byte) 0x80}, {1, 0, 0}, {0, 0, 0}, {0, 0, (byte) 0xff}}) {
                    both(p, "PCR_Reset " + HexFormat.of().formatHex(sel) + " at " + loc, cmd(Ordinal.PCR_Reset, (short) 3, sel), true, loc);
                }
            }
            both(p, "PCR_Reset size 4", cmd(Ordinal.PCR_Reset, (short) 4, new byte[] {0, 0, 1, 0}));
            both(p, "PCR_Reset size 2", cmd(Ordinal.PCR_Reset, (short) 2, new byte[] {0, 1}));
            both(p, "PCR_Reset size 0", cmd(Ordinal.PCR_Reset, (short) 0));
            for (int i = 16; i < 24; i++) both(p, "PcrRead after resets " + i, cmd(Ordinal.PcrRead, i));
            // self test, random
            both(p, "SelfTestFull", cmd(Ordinal.SelfTestFull));
            both(p, "ContinueSelfTest", cmd(Ordinal.ContinueSelfTest));
            both(p, "GetTestResult", cmd(Ordinal.GetTestResult));
            both(p, "GetRandom 0", cmd(Ordinal.GetRandom, 0));
            both(p, "GetRandom 20", cmd(Ordinal.GetRandom, 20), false, 0);
            both(p, "StirRandom", cmd(Ordinal.StirRandom, 3, new byte[] {1, 2, 3}));
            both(p, "StirRandom short", cmd(Ordinal.StirRandom, 3, new byte[] {1, 2}));
            // physical presence and the flags
            for (int bits : new int[] {0, 0x0008, 0x0001, 0x0400, 0x0028, 0x0020, 0x0008, 0x0018, 0x000C}) {
                both(p, "TSC_PhysicalPresence 0x" + Integer.toHexString(bits), cmd(Ordinal.TSC_PhysicalPresence, (short) bits));
            }
            both(p, "PhysicalDisable with presence", cmd(Ordinal.PhysicalDisable));
            both(p, "GetRandom while disabled", cmd(Ordinal.GetRandom, 1));
            both(p, "PhysicalEnable", cmd(Ordinal.PhysicalEnable));
            both(p, "PhysicalSetDeactivated(TRUE)", cmd(Ordinal.PhysicalSetDeactivated, true));
            both(p, "PhysicalSetDeactivated(FALSE)", cmd(Ordinal.PhysicalSetDeactivated, false));
            both(p, "SetOwnerInstall(TRUE)", cmd(Ordinal.SetOwnerInstall, true));
            both(p, "flags", cmd(Ordinal.GetCapability, 4, 4, 0x108));
            both(p, "volatile flags", cmd(Ordinal.GetCapability, 4, 4, 0x109));
            // sessions and the owner before there is one
            both(p, "OSAP without owner", cmd(Ordinal.OSAP, (short) 2, 0x40000001, new byte[20]));
            both(p, "OwnerClear unauthorized", cmd(Ordinal.OwnerClear));
            both(p, "OwnerClear auth, no owner", Tpm12Client.command(0xC2, Ordinal.OwnerClear, params(1, new byte[20], false, new byte[20])));
            both(p, "OwnerClear auth, short trailer", Tpm12Client.command(0xC2, Ordinal.OwnerClear, params(1, new byte[20], false, new byte[19])));
            both(p, "TakeOwnership without EK", Tpm12Client.command(0xC2, Ordinal.TakeOwnership,
                    params((short) 5, 0, 0, Tpm12Client.srkTemplate(), 1, new byte[20], false, new byte[20])));
            both(p, "ReadPubek without EK", cmd(Ordinal.ReadPubek, new byte[20]));
            both(p, "Terminate_Handle unknown", cmd(Ordinal.Terminate_Handle, 0x1234));
            both(p, "FlushSpecific unknown key", cmd(Ordinal.FlushSpecific, 0x1234, 1));
            both(p, "FlushSpecific unknown auth", cmd(Ordinal.FlushSpecific, 0x1234, 2));
            for (int rt = 0; rt <= 9; rt++) both(p, "FlushSpecific type " + rt, cmd(Ordinal.FlushSpecific, 0x1234, rt));
            both(p, "FlushSpecific bad type", cmd(Ordinal.FlushSpecific, 0x1234, 99));
            for (int rt : new int[] {1, 2, 3, 9}) both(p, "SaveContext unknown handle, type " + rt, cmd(Ordinal.SaveContext, 0x1234, rt, new byte[16]));
            both(p, "LoadContext garbage", cmd(Ordinal.LoadContext, 0, false, 8, new byte[8]));
            both(p, "LoadContext empty", cmd(Ordinal.LoadContext, 0, false, 0));
            for (String sel : new String[] {"01020003", "01010004", "01030001", "02020001", "010100", "0101"}) {
                both(p, "cap select size " + sel, cmd(Ordinal.GetCapability, 0x18, sel.length() / 2, HexFormat.of().parseHex(sel)));
            }
            both(p, "cap check loaded", cmd(Ordinal.GetCapability, 8, 12, params(1, (short) 3, (short) 1, 0)));
            both(p, "cap check loaded, not RSA", cmd(Ordinal.GetCapability, 8, 12, params(3, (short) 3, (short) 1, 0)));
            for (int es = 0; es <= 6; es++) both(p, "cap trans es " + es, cmd(Ordinal.GetCapability, 0x15, 2, (short) es));
            for (int sym = 0; sym <= 4; sym++) both(p, "cap sym mode " + sym, cmd(Ordinal.GetCapability, 9, 4, sym));
            // NV storage while nvLocked is FALSE (no authorization checked)
            byte[] noPcrs = params((short) 3, new byte[3], (byte) 0x1f, new byte[20]);
            int[][] defs = {{1, 32, 0x20002}, {2, 8, 0x40004}, {3, 16, 0x1002}, {4, 4, 0x2002}, {5, 4, 0x80004002}, {6, 4, 0},
                    {7, 4, 0x6}, {8, 4, 0x60000}, {0x1000F000, 16, 0x2}, {9, 0, 0x2}, {0, 4, 2}, {10, 0x7000, 2}};
            for (int[] d2 : defs) {
                byte[] pubInfo = params((short) 0x18, d2[0], noPcrs, noPcrs, (short) 0x17, d2[2], false, false, false, d2[1]);
                both(p, "NV_DefineSpace 0x" + Integer.toHexString(d2[0]) + " size " + d2[1] + " attrs 0x" + Integer.toHexString(d2[2]),
                        cmd(Ordinal.NV_DefineSpace, pubInfo, new byte[20]));
            }
            both(p, "cap NV list", cmd(Ordinal.GetCapability, 0x0D, 0));
            for (int idx : new int[] {1, 2, 3, 4, 5, 0x1000F000, 99}) both(p, "cap NV index " + idx, cmd(Ordinal.GetCapability, 0x11, 4, idx));
            both(p, "cap NV available", cmd(Ordinal.GetCapability, 5, 4, 0x123));
            for (int[] w : new int[][] {{1, 0, 32}, {1, 30, 4}, {1, 8, 8}, {3, 0, 8}, {3, 0, 16}, {4, 0, 4}, {4, 0, 0}, {4, 0, 4}, {99, 0, 1},
                    {5, 0, 4}, {5, 0, 0}, {5, 0, 4}, {2, 0, 8}}) {
                byte[] data = new byte[w[2]];
                Arrays.fill(data, (byte) (w[0] + w[1]));
                both(p, "NV_WriteValue " + Arrays.toString(w), cmd(Ordinal.NV_WriteValue, w[0], w[1], w[2], data));
            }
            for (int[] r : new int[][] {{1, 0, 32}, {1, 0, 33}, {1, 31, 1}, {1, 0, 0}, {3, 0, 16}, {4, 0, 4}, {5, 0, 4}, {99, 0, 1}, {2, 0, 8}}) {
                both(p, "NV_ReadValue " + Arrays.toString(r), cmd(Ordinal.NV_ReadValue, r[0], r[1], r[2]));
            }
            both(p, "NV delete 3", cmd(Ordinal.NV_DefineSpace, params((short) 0x18, 3, noPcrs, noPcrs, (short) 0x17, 0x1002, false, false, false, 0), new byte[20]));
            both(p, "NV delete absent", cmd(Ordinal.NV_DefineSpace, params((short) 0x18, 33, noPcrs, noPcrs, (short) 0x17, 2, false, false, false, 0), new byte[20]));
            both(p, "cap NV list after delete", cmd(Ordinal.GetCapability, 0x0D, 0));
            both(p, "NV global lock", cmd(Ordinal.NV_WriteValue, 0, 0, 0));
            both(p, "volatile flags after global lock", cmd(Ordinal.GetCapability, 4, 4, 0x109));
            both(p, "NV_LOCK", cmd(Ordinal.NV_DefineSpace, params((short) 0x18, 0xFFFFFFFF, noPcrs, noPcrs, (short) 0x17, 0, false, false, false, 0), new byte[20]));
            both(p, "flags with nvLocked", cmd(Ordinal.GetCapability, 4, 4, 0x108));
            both(p, "NV_WriteValue owner index without auth, locked", cmd(Ordinal.NV_WriteValue, 1, 0, 1, new byte[1]));
            both(p, "NV_ReadValue owner index without auth, locked", cmd(Ordinal.NV_ReadValue, 1, 0, 1));
            both(p, "NV_ReadValue auth index without auth, locked", cmd(Ordinal.NV_ReadValue, 2, 0, 1));
            both(p, "NV_WriteValue plain index, locked", cmd(Ordinal.NV_WriteValue, 6, 0, 1, new byte[1]));
            both(p, "NV_DefineSpace without auth, locked, no PP", cmd(Ordinal.NV_DefineSpace, params((short) 0x18, 20, noPcrs, noPcrs, (short) 0x17, 2, false, false, false, 4), new byte[20]));
            // the endorsement key and ownership
            Random rng = new Random(5);
            Tpm12Client jc = new Tpm12Client(p.jtpmDevice, rng), sc = new Tpm12Client(p.swtpmDevice, new Random(5));
            byte[] badParms = params(1, (short) 3, (short) 1, 12, params(1024, 2, 0));
            both(p, "CreateEndorsementKeyPair 1024", cmd(Ordinal.CreateEndorsementKeyPair, new byte[20], badParms));
            // keyInfo as TrouSerS' tpm_createek sends it (sigScheme TPM_SS_RSASSAPKCS1v15_SHA1): the EK's is TPM_SS_NONE
            byte[] tspiEkParms = params(1, (short) 3, (short) 2, 12, params(2048, 2, 0));
            both(p, "CreateEndorsementKeyPair", cmd(Ordinal.CreateEndorsementKeyPair, new byte[20], tspiEkParms), false, 0);
            both(p, "CreateEndorsementKeyPair again", cmd(Ordinal.CreateEndorsementKeyPair, new byte[20], Tpm12Client.rsa2048OaepParms()));
            Tpm12Client.Response[] pub = both(p, "ReadPubek", cmd(Ordinal.ReadPubek, new byte[20]), false, 0);
            RSAPublicKey jek = Tpm12Client.pubkey(Arrays.copyOf(pub[0].body(), pub[0].body().length - 20));
            RSAPublicKey sek = Tpm12Client.pubkey(Arrays.copyOf(pub[1].body(), pub[1].body().length - 20));
            int parmsAndSize = 4 + 2 + 2 + 4 + 12 + 4;   // TPM_KEY_PARMS with its TPM_RSA_KEY_PARMS, pubKey's size
            compared++;
            if (!Arrays.equals(pub[0].body(), 0, parmsAndSize, pub[1].body(), 0, parmsAndSize)) {
                diffs.add("ReadPubek: the EK's parameters differ\n  jtpm  " + HexFormat.of().formatHex(pub[0].body(), 0, parmsAndSize)
                        + "\n  swtpm " + HexFormat.of().formatHex(pub[1].body(), 0, parmsAndSize));
            }
            byte[] owner = new byte[20];
            Arrays.fill(owner, (byte) 0x42);
            expectSame("TakeOwnership", jc.takeOwnership(jek, owner, new byte[20]).rc(), sc.takeOwnership(sek, owner, new byte[20]).rc());
            expectSame("TakeOwnership again", jc.takeOwnership(jek, owner, owner).rc(), sc.takeOwnership(sek, owner, owner).rc());
            both(p, "ReadPubek after TakeOwnership", cmd(Ordinal.ReadPubek, new byte[20]));
            both(p, "cap owner", cmd(Ordinal.GetCapability, 5, 4, 0x111));
            both(p, "flags with owner", cmd(Ordinal.GetCapability, 4, 4, 0x108));
            byte[] wrong = new byte[20];
            for (int kh : new int[] {0x40000006, 0x40000000, 0x12345678}) {
                expectSame("OwnerReadInternalPub 0x" + Integer.toHexString(kh),
                        jc.auth1(Ordinal.OwnerReadInternalPub, new byte[0], params(kh), jc.oiap(), owner, false).rc(),
                        sc.auth1(Ordinal.OwnerReadInternalPub, new byte[0], params(kh), sc.oiap(), owner, false).rc());
            }
            Tpm12Client.Session js0 = jc.oiap(), ss0 = sc.oiap();
            expectSame("wrong owner auth", jc.auth1(Ordinal.OwnerReadInternalPub, new byte[0], params(0x40000006), js0, wrong, true).rc(),
                    sc.auth1(Ordinal.OwnerReadInternalPub, new byte[0], params(0x40000006), ss0, wrong, true).rc());
            expectSame("session after a wrong auth", jc.auth1(Ordinal.OwnerReadInternalPub, new byte[0], params(0x40000006), js0, owner, true).rc(),
                    sc.auth1(Ordinal.OwnerReadInternalPub, new byte[0], params(0x40000006), ss0, owner, true).rc());
            Tpm12Client.Session jo = jc.osap(2, 0x40000001, owner), so = sc.osap(2, 0x40000001, owner);
            for (int i = 0; i < 3; i++) {
                expectSame("OSAP owner use " + i, jc.auth1(Ordinal.OwnerReadInternalPub, new byte[0], params(0x40000000), jo, null, true).rc(),
                        sc.auth1(Ordinal.OwnerReadInternalPub, new byte[0], params(0x40000000), so, null, true).rc());
            }
            expectSame("DisablePubekRead", jc.auth1(Ordinal.DisablePubekRead, new byte[0], new byte[0], jc.oiap(), owner, false).rc(),
                    sc.auth1(Ordinal.DisablePubekRead, new byte[0], new byte[0], sc.oiap(), owner, false).rc());
            expectSame("OwnerReadPubek", jc.auth1(Ordinal.OwnerReadPubek, new byte[0], new byte[0], jc.oiap(), owner, false).rc(),
                    sc.auth1(Ordinal.OwnerReadPubek, new byte[0], new byte[0], sc.oiap(), owner, false).rc());
            // monotonic counters
            flushSessions(p);
            byte[] counterAuth = new byte[20];
            Arrays.fill(counterAuth, (byte) 0x33);
            for (int i = 0; i < 2; i++) {
                Tpm12Client.Session jsc = jc.osap(2, 0x40000001, owner), ssc = sc.osap(2, 0x40000001, owner);
                Tpm12Client.Response jr = jc.auth1(Ordinal.CreateCounter, new byte[0],
                        params(Tpm12Client.encAuth(jsc, counterAuth, Tpm12Client.nonceEven(jsc)), new byte[] {'C', 'N', 'T', (byte) i}), jsc, null, false);
                Tpm12Client.Response sr = sc.auth1(Ordinal.CreateCounter, new byte[0],
                        params(Tpm12Client.encAuth(ssc, counterAuth, Tpm12Client.nonceEven(ssc)), new byte[] {'C', 'N', 'T', (byte) i}), ssc, null, false);
                expectSame("CreateCounter " + i, jr.rc(), sr.rc());
                if (!Arrays.equals(jr.body(), sr.body())) diffs.add("CreateCounter " + i + " body differs: " + HexFormat.of().formatHex(jr.body()) + " / " + HexFormat.of().formatHex(sr.body()));
            }
            expectSame("CreateCounter under OIAP", jc.auth1(Ordinal.CreateCounter, new byte[0], params(new byte[20], new byte[4]), jc.oiap(), owner, false).rc(),
                    sc.auth1(Ordinal.CreateCounter, new byte[0], params(new byte[20], new byte[4]), sc.oiap(), owner, false).rc());
            for (int id = 0; id < 3; id++) both(p, "ReadCounter " + id, cmd(Ordinal.ReadCounter, id));
            for (int id : new int[] {0, 0, 1}) {
                Tpm12Client.Response jr = jc.auth1(Ordinal.IncrementCounter, new byte[0], params(id), jc.oiap(), counterAuth, false);
                Tpm12Client.Response sr = sc.auth1(Ordinal.IncrementCounter, new byte[0], params(id), sc.oiap(), counterAuth, false);
                expectSame("IncrementCounter " + id, jr.rc(), sr.rc());
                if (!Arrays.equals(jr.body(), sr.body())) diffs.add("IncrementCounter " + id + " body differs");
            }
            expectSame("IncrementCounter wrong auth", jc.auth1(Ordinal.IncrementCounter, new byte[0], params(0), jc.oiap(), owner, false).rc(),
                    sc.auth1(Ordinal.IncrementCounter, new byte[0], params(0), sc.oiap(), owner, false).rc());
            both(p, "cap counter handles", cmd(Ordinal.GetCapability, 0x14, 4, 6));
            both(p, "cap counters", cmd(Ordinal.GetCapability, 5, 4, 0x10C));
            both(p, "cap active counter", cmd(Ordinal.GetCapability, 5, 4, 0x122));
            expectSame("ReleaseCounterOwner 0", jc.auth1(Ordinal.ReleaseCounterOwner, new byte[0], params(0), jc.oiap(), owner, false).rc(),
                    sc.auth1(Ordinal.ReleaseCounterOwner, new byte[0], params(0), sc.oiap(), owner, false).rc());
            expectSame("ReleaseCounter 1", jc.auth1(Ordinal.ReleaseCounter, new byte[0], params(1), jc.oiap(), counterAuth, false).rc(),
                    sc.auth1(Ordinal.ReleaseCounter, new byte[0], params(1), sc.oiap(), counterAuth, false).rc());
            both(p, "ReadCounter released", cmd(Ordinal.ReadCounter, 0));
            both(p, "cap active counter after release", cmd(Ordinal.GetCapability, 5, 4, 0x122));
            both(p, "SaveState", cmd(Ordinal.SaveState));
            both(p, "PcrRead after SaveState", cmd(Ordinal.PcrRead, 0));
            expectSame("OwnerClear", jc.auth1(Ordinal.OwnerClear, new byte[0], new byte[0], jc.oiap(), owner, false).rc(),
                    sc.auth1(Ordinal.OwnerClear, new byte[0], new byte[0], sc.oiap(), owner, false).rc());
            both(p, "flags after OwnerClear", cmd(Ordinal.GetCapability, 4, 4, 0x108));
            both(p, "ForceClear", cmd(Ordinal.ForceClear));
            both(p, "DisableForceClear", cmd(Ordinal.DisableForceClear));
            both(p, "GetTestResult at the end", cmd(Ordinal.GetTestResult));
            // the control channel's CMD_HASH_START/DATA/END: TPM_HASH_START et al. for a TPM 1.2
            expectSame("CMD_HASH_*", p.jtpmDevice.ctrl().hash("abc".getBytes()), p.swtpmDevice.ctrl().hash("abc".getBytes()));
            for (int i = 16; i < 24; i++) both(p, "PcrRead after the hash sequence " + i, cmd(Ordinal.PcrRead, i));
            expectSame("tpmEstablished", p.jtpmDevice.ctrl().established() ? 1 : 0, p.swtpmDevice.ctrl().established() ? 1 : 0);
            for (int loc = 0; loc <= 4; loc++) {
                expectSame("CMD_RESET_TPMESTABLISHED at " + loc, p.jtpmDevice.ctrl().resetEstablished(loc),
                        p.swtpmDevice.ctrl().resetEstablished(loc));
            }
            for (int loc = 0; loc <= 4; loc++) {
                both(p, "PCR_Reset 17..22 after the hash sequence at " + loc, cmd(Ordinal.PCR_Reset, (short) 3, new byte[] {0, 0, 0x7e}), true, loc);
            }
            for (int i = 16; i < 24; i++) both(p, "PcrRead at the end " + i, cmd(Ordinal.PcrRead, i));
            both(p, "DA logic at the end", cmd(Ordinal.GetCapability, 0x19, 0));
        }
        assertThat(diffs).as("%d of %d exchanges differ", diffs.size(), compared).isEmpty();
    }

    @Test
    void storageCommands_answerAsSwtpm() throws Exception {
        try (Tpm12Pair p = new Tpm12Pair()) {
            both(p, "Startup", cmd(Ordinal.Startup, (short) 1));
            Tpm12Client jc = new Tpm12Client(p.jtpmDevice, new Random(5)), sc = new Tpm12Client(p.swtpmDevice, new Random(5));
            Tpm12Client.Response[] pub = new Tpm12Client.Response[] {jc.createEndorsementKeyPair(), sc.createEndorsementKeyPair()};
            RSAPublicKey jek = Tpm12Client.pubkey(Arrays.copyOf(pub[0].body(), pub[0].body().length - 20));
            RSAPublicKey sek = Tpm12Client.pubkey(Arrays.copyOf(pub[1].body(), pub[1].body().length - 20));
            byte[] owner = new byte[20];
            Arrays.fill(owner, (byte) 0x42);
            expectSame("TakeOwnership", jc.takeOwnership(jek, owner, new byte[20]).rc(), sc.takeOwnership(sek, owner, new byte[20]).rc());
            byte[] srkAuth = new byte[20];
            Tpm12Client.Response js = jc.seal(srkAuth, owner, new byte[0], new byte[] {9}), ss = sc.seal(srkAuth, owner, new byte[0], new byte[] {9});
            expectSame("Seal", js.rc(), ss.rc());
            assertThat(js.rc()).as("Seal on jtpm; so far: %s", diffs).isZero();
            byte[] sealed = js.body(), sealedS = ss.body();
            expectSame("Unseal", jc.unseal(srkAuth, owner, sealed).rc(), sc.unseal(srkAuth, owner, sealedS).rc());
            expectSame("Unseal the other TPM's blob", jc.unseal(srkAuth, owner, sealedS).rc(), sc.unseal(srkAuth, owner, sealed).rc());
            byte[] cut = Arrays.copyOf(sealed, sealed.length - 1), cutS = Arrays.copyOf(sealedS, sealedS.length - 1);
            expectSame("Unseal cut short", jc.unseal(srkAuth, owner, cut).rc(), sc.unseal(srkAuth, owner, cutS).rc());
            // TPM_ChangeAuth of the sealed blobs (encData after the 12 octets of version, sealInfoSize and encDataSize)
            byte[] encJ = Arrays.copyOfRange(sealed, 12, sealed.length), encS = Arrays.copyOfRange(sealedS, 12, sealedS.length);
            int[][] changeCases = {{1, 4, 3}, {0, 4, 3}, {1, 5, 3}, {1, 4, 9}, {1, 4, 5}};
            for (int[] cc : changeCases) {
                flushSessions(p);
                Tpm12Client.Session jp = cc[0] == 1 ? jc.osap(4, 0x40000000, srkAuth) : jc.oiap();
                Tpm12Client.Session sp = cc[0] == 1 ? sc.osap(4, 0x40000000, srkAuth) : sc.oiap();
                expectSame("ChangeAuth " + Arrays.toString(cc),
                        jc.auth2(Ordinal.ChangeAuth, params(0x40000000), params((short) cc[1], new byte[20], (short) cc[2], encJ.length, encJ), jp, srkAuth, jc.oiap(), owner).rc(),
                        sc.auth2(Ordinal.ChangeAuth, params(0x40000000), params((short) cc[1], new byte[20], (short) cc[2], encS.length, encS), sp, srkAuth, sc.oiap(), owner).rc());
            }
            // identities
            byte[] rsaId = params(2048, 2, 0);
            int[] idHandles = new int[2];
            for (int[] kp : new int[][] {{0x12, 1, 2}, {0x10, 1, 2}, {0x12, 3, 2}, {0x12, 1, 1}}) {
                flushSessions(p);
                byte[] idParams = params((short) 0x28, (short) 0, (short) kp[0], 0, (byte) 1, params(1, (short) kp[1], (short) kp[2], rsaId.length, rsaId), 0, 0, 0);
                Tpm12Client.Session j1 = jc.oiap(), j2 = jc.osap(2, 0x40000001, owner), s1 = sc.oiap(), s2 = sc.osap(2, 0x40000001, owner);
                Tpm12Client.Response jm = jc.auth2(Ordinal.MakeIdentity, new byte[0], params(Tpm12Client.encAuth(j2, owner, Tpm12Client.nonceEven(j2)), new byte[20], idParams), j1, srkAuth, j2, null);
                Tpm12Client.Response sm = sc.auth2(Ordinal.MakeIdentity, new byte[0], params(Tpm12Client.encAuth(s2, owner, Tpm12Client.nonceEven(s2)), new byte[20], idParams), s1, srkAuth, s2, null);
                expectSame("MakeIdentity " + Arrays.toString(kp), jm.rc(), sm.rc());
                if (kp[0] == 0x12 && kp[1] == 1 && kp[2] == 2 && jm.ok() && sm.ok()) {
                    byte[] jk = Arrays.copyOf(jm.body(), jm.body().length - 260), sk = Arrays.copyOf(sm.body(), sm.body().length - 260);
                    Tpm12Client.Response jl = jc.auth1Handles(Ordinal.LoadKey2, params(0x40000000), jk, jc.oiap(), srkAuth, false, 1);
                    Tpm12Client.Response sl = sc.auth1Handles(Ordinal.LoadKey2, params(0x40000000), sk, sc.oiap(), srkAuth, false, 1);
                    expectSame("LoadKey2 identity", jl.rc(), sl.rc());
                    idHandles[0] = java.nio.ByteBuffer.wrap(jl.body()).getInt();
                    idHandles[1] = java.nio.ByteBuffer.wrap(sl.body()).getInt();
                }
            }
            flushSessions(p);
            expectSame("MakeIdentity with an OIAP owner session",
                    jc.auth2(Ordinal.MakeIdentity, new byte[0], params(new byte[20], new byte[20], Tpm12Client.srkTemplate()), jc.oiap(), srkAuth, jc.oiap(), owner).rc(),
                    sc.auth2(Ordinal.MakeIdentity, new byte[0], params(new byte[20], new byte[20], Tpm12Client.srkTemplate()), sc.oiap(), srkAuth, sc.oiap(), owner).rc());
            if (idHandles[0] != 0) {
                byte[] garbage = new byte[256];
                garbage[0] = 1;
                flushSessions(p);
                expectSame("ActivateIdentity with a blob the EK cannot open",
                        jc.auth2(Ordinal.ActivateIdentity, params(idHandles[0]), params(256, garbage), jc.oiap(), owner, jc.oiap(), owner).rc(),
                        sc.auth2(Ordinal.ActivateIdentity, params(idHandles[1]), params(256, garbage), sc.oiap(), owner, sc.oiap(), owner).rc());
                byte[] wrongId = Tpm12Client.encryptToEk(jek, params(6, (short) 0xff, (short) 16, new byte[16], new byte[20])),
                        wrongIdS = Tpm12Client.encryptToEk(sek, params(6, (short) 0xff, (short) 16, new byte[16], new byte[20]));
                expectSame("ActivateIdentity for another identity",
                        jc.auth2(Ordinal.ActivateIdentity, params(idHandles[0]), params(256, wrongId), jc.oiap(), owner, jc.oiap(), owner).rc(),
                        sc.auth2(Ordinal.ActivateIdentity, params(idHandles[1]), params(256, wrongIdS), sc.oiap(), owner, sc.oiap(), owner).rc());
                expectSame("ActivateIdentity on the SRK",
                        jc.auth2(Ordinal.ActivateIdentity, params(0x40000000), params(256, wrongId), jc.oiap(), srkAuth, jc.oiap(), owner).rc(),
                        sc.auth2(Ordinal.ActivateIdentity, params(0x40000000), params(256, wrongIdS), sc.oiap(), srkAuth, sc.oiap(), owner).rc());
            }
            // wrong secrets last (the fifth failure starts the dictionary-attack lockout on both)
            expectSame("Unseal wrong data secret", jc.unseal(srkAuth, srkAuth, sealed).rc(), sc.unseal(srkAuth, srkAuth, sealedS).rc());
            expectSame("Unseal wrong SRK secret", jc.unseal(owner, owner, sealed).rc(), sc.unseal(owner, owner, sealedS).rc());
            expectSame("Sign with the SRK, wrong secret", jc.auth1(Ordinal.Sign, params(0x40000000), params(20, new byte[20]), jc.oiap(), owner, false).rc(),
                    sc.auth1(Ordinal.Sign, params(0x40000000), params(20, new byte[20]), sc.oiap(), owner, false).rc());
            both(p, "DA logic after three failures", cmd(Ordinal.GetCapability, 0x19, 0));
            // storage: wrong handles, wrong secrets, wrong key types, malformed blobs (the SRK secret is 20 zero octets)
            int[] handles = {0x40000000, 0x12345678};
            for (int h : handles) {
                for (boolean auth : new boolean[] {false, true}) {
                    String w = " handle 0x" + Integer.toHexString(h) + (auth ? " auth" : "");
                    byte[][] bodies = {params(new byte[20], Tpm12Client.srkTemplate())};
                    int[][] ords = {{Ordinal.GetPubKey}, {Ordinal.Sign}, {Ordinal.UnBind}, {Ordinal.Quote}, {Ordinal.LoadKey2}};
                    byte[][] ps = {new byte[0], params(20, new byte[20]), params(4, new byte[4]), params(new byte[20], (short) 3, new byte[] {1, 0, 0}),
                            Tpm12Client.srkTemplate()};
                    for (int i = 0; i < ords.length; i++) {
                        int ord = ords[i][0];
                        both(p, "auth handles before 0x" + Integer.toHexString(ord) + w, cmd(Ordinal.GetCapability, 0x14, 4, 2), false, 0);
                        flushSessions(p);
                        if (auth) {
                            expectSame("ordinal 0x" + Integer.toHexString(ord) + w,
                                    jc.auth1(ord, params(h), ps[i], jc.oiap(), srkAuth, false).rc(),
                                    sc.auth1(ord, params(h), ps[i], sc.oiap(), srkAuth, false).rc());
                        } else {
                            both(p, "ordinal 0x" + Integer.toHexString(ord) + w, Tpm12Client.command(0xC1, ord, params(h, ps[i])));
                        }
                    }
                }
            }
            for (int h : handles) {
                for (boolean osap : new boolean[] {false, true}) {
                    flushSessions(p);
                    Tpm12Client.Session js2 = osap ? jc.osap(4, 0x40000000, srkAuth) : jc.oiap(), ss2 = osap ? sc.osap(4, 0x40000000, srkAuth) : sc.oiap();
                    String w = " handle 0x" + Integer.toHexString(h) + (osap ? " OSAP" : " OIAP");
                    expectSame("Seal" + w, jc.auth1(Ordinal.Seal, params(h), params(new byte[20], 0, 3, new byte[3]), js2, srkAuth, true).rc(),
                            sc.auth1(Ordinal.Seal, params(h), params(new byte[20], 0, 3, new byte[3]), ss2, srkAuth, true).rc());
                    byte[] keyInfo = Tpm12Client.srkTemplate();
                    expectSame("CreateWrapKey" + w, jc.auth1(Ordinal.CreateWrapKey, params(h), params(new byte[20], new byte[20], keyInfo), jc.oiap(), srkAuth, false).rc(),
                            sc.auth1(Ordinal.CreateWrapKey, params(h), params(new byte[20], new byte[20], keyInfo), sc.oiap(), srkAuth, false).rc());
                }
            }
            byte[] rsa = params(2048, 2, 0);
            for (int[] kp : new int[][] {{0x10, 1, 2, 2048}, {0x10, 3, 2, 2048}, {0x11, 1, 1, 2048}, {0x14, 3, 1, 2048}, {0x10, 1, 2, 1024},
                    {0x10, 1, 2, 4096}, {0x12, 1, 2, 2048}, {0x13, 1, 1, 2048}, {0x17, 1, 2, 2048}, {0x15, 3, 2, 2048}, {0x16, 3, 1, 2048}}) {
                flushSessions(p);
                byte[] r2 = params(kp[3], 2, 0);
                byte[] keyInfo = params((short) 0x28, (short) 0, (short) kp[0], 0, (byte) 1, params(1, (short) kp[1], (short) kp[2], r2.length, r2), 0, 0, 0);
                Tpm12Client.Session js2 = jc.osap(4, 0x40000000, srkAuth), ss2 = sc.osap(4, 0x40000000, srkAuth);
                expectSame("CreateWrapKey " + Arrays.toString(kp),
                        jc.auth1(Ordinal.CreateWrapKey, params(0x40000000), params(new byte[20], new byte[20], keyInfo), js2, null, false).rc(),
                        sc.auth1(Ordinal.CreateWrapKey, params(0x40000000), params(new byte[20], new byte[20], keyInfo), ss2, null, false).rc());
            }
        }
        assertThat(diffs).as("%d of %d exchanges differ", diffs.size(), compared).isEmpty();
    }

    /** Flushes every authorization session both TPMs hold (a command refused before its trailers leaves its sessions). */
    private static void flushSessions(Tpm12Pair p) throws IOException {
        for (var d : new dev.jtpm.types.TpmDevice[] {p.jtpmDevice, p.swtpmDevice}) {
            byte[] r = d.execute(cmd(Ordinal.GetCapability, 0x14, 4, 2), 0);
            int n = java.nio.ByteBuffer.wrap(r, 14, 2).getShort();
            for (int i = 0; i < n; i++) d.execute(cmd(Ordinal.FlushSpecific, java.nio.ByteBuffer.wrap(r, 16 + 4 * i, 4).getInt(), 2), 0);
        }
    }

    private void expectSame(String what, int j, int s) {
        compared++;
        if (j != s) diffs.add(what + ": jtpm 0x" + Integer.toHexString(j) + " swtpm 0x" + Integer.toHexString(s));
    }
}
