package dev.jtpm.cros;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.server.backend.Backend;
import dev.jtpm.server.backend.BackendSpec;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.Create;
import dev.jtpm.types.command.CreateResponse;
import dev.jtpm.types.command.Load;
import dev.jtpm.types.structure.TpmaObject;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsEccParms;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.TpmtEccScheme;
import dev.jtpm.types.structure.TpmtKdfScheme;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmtSymDefObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gLinux virtualizer on jtpm's in-process engine, byte for byte against the reference's facts. */
class VirtualizerTest {
    static final int NO = 0x8001, SE = 0x8002;
    static final String PW = "00000009 40000009 0000 01 0000"; // authorizationSize 9, TPM_RS_PW, empty nonce/hmac

    @TempDir Path dir;
    Backend backend;
    Virtualizer v;

    @BeforeEach
    void start() throws IOException {
        backend = BackendSpec.InProcess.class.cast(parse("in-process")).open();
        v = Virtualizer.gLinux(backend, dir.resolve("state"), new Virtualizer.CertSource.LocalCa(dir.resolve("ca")), new byte[0]);
    }

    static BackendSpec parse(String s) {
        try {
            return BackendSpec.parse("--backend", s);
        } catch (dev.jtpm.server.OptionException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void stop() throws IOException {
        v.close();
    }

    byte[] run(int tag, int cc, String body) { return v.execute(Cmd.of(tag, cc, body)); }

    String runHex(int tag, int cc, String body) { return Cmd.hex(run(tag, cc, body)); }

    /** Transient objects left on the host (asked of the backend directly). */
    int hostTransients() throws IOException {
        byte[] rsp = backend.execute(Cmd.of(NO, 0x17A, "00000001 80000000 00000100"), 0);
        return CommandReader.u32(rsp, 15);
    }

    // ---- header (RealCommandParser::ParseHeader) and the 10-byte answers

    @Test
    void header_shortBuffer_insufficient() {
        assertThat(Cmd.hex(v.execute(Cmd.hex("8001000000")))).isEqualTo("80010000000a0000009a");
        assertThat(Cmd.hex(v.execute(new byte[0]))).isEqualTo("80010000000a0000009a");
        assertThat(Cmd.hex(v.execute(Cmd.hex("8001 00000009 000001")))).isEqualTo("80010000000a0000009a");
    }

    @Test
    void header_badTag_answersTag00C4() {
        assertThat(Cmd.hex(v.execute(Cmd.hex("c1000000000c000001430001")))).isEqualTo("00c40000000a0000001e");
        // the tag is checked before the size
        assertThat(Cmd.hex(v.execute(Cmd.hex("8003ffffffff00000143")))).isEqualTo("00c40000000a0000001e");
    }

    @Test
    void header_sizeMismatch_commandSize() {
        assertThat(Cmd.hex(v.execute(Cmd.hex("80010000000c0000014300")))).isEqualTo("80010000000a00000142");
    }

    @Test
    void commandsOutsideTheTable_commandCode() {
        assertThat(runHex(SE, 0x182, "00000000 " + PW + " 0001 000b " + "00".repeat(32))).isEqualTo("80010000000a00000143"); // PCR_Extend
        assertThat(runHex(NO, 0x144, "0000")).isEqualTo("80010000000a00000143"); // Startup
        assertThat(runHex(NO, 0x162, "80000000")).isEqualTo("80010000000a00000143"); // ContextSave
        assertThat(runHex(SE, 0x131, "40000001 " + PW)).isEqualTo("80010000000a00000143"); // CreatePrimary (short is fine: cc first)
    }

    // ---- SelfTest

    @Test
    void selfTest_answeredLocally() {
        assertThat(runHex(NO, 0x143, "01")).isEqualTo("80010000000a00000000");
        assertThat(runHex(NO, 0x143, "0100")).isEqualTo("80010000000a00000095");
        assertThat(runHex(NO, 0x143, "")).isEqualTo("80010000000a0000009a");
    }

    // ---- GetCapability

    @Test
    void getCapability_persistentHandles_exactlyTheTwoVirtualKeys() {
        assertThat(runHex(NO, 0x17A, "00000001 81000000 000000fe"))
                .isEqualTo("80010000001b00000000" + "00" + "00000001" + "00000002" + "81000002" + "81010002");
        assertThat(runHex(NO, 0x17A, "00000001 81000003 000000fe"))
                .isEqualTo("8001000000170000000000" + "00000001" + "00000001" + "81010002");
        // fewer asked: truncated, moreData YES; none asked: count 0, moreData YES
        assertThat(runHex(NO, 0x17A, "00000001 81000000 00000001"))
                .isEqualTo("8001000000170000000001" + "00000001" + "00000001" + "81000002");
        assertThat(runHex(NO, 0x17A, "00000001 81000000 00000000"))
                .isEqualTo("8001000000130000000001" + "00000001" + "00000000");
        // a huge count is clamped, not negative
        assertThat(runHex(NO, 0x17A, "00000001 81000000 ffffffff")).endsWith("00000002" + "81000002" + "81010002");
    }

    @Test
    void getCapability_nvHandles_ignoreTheStartHandle() {
        String one = "8001000000170000000000" + "00000001" + "00000001" + "01c0000a";
        assertThat(runHex(NO, 0x17A, "00000001 01000000 00000010")).isEqualTo(one);
        assertThat(runHex(NO, 0x17A, "00000001 01ffffff 00000010")).isEqualTo(one);
    }

    @Test
    void getCapability_permanentOrPolicyStart_handle_unsupportedTypes_empty() {
        assertThat(runHex(NO, 0x17A, "00000001 40000000 00000010")).isEqualTo("80010000000a0000008b");
        assertThat(runHex(NO, 0x17A, "00000001 03000000 00000010")).isEqualTo("80010000000a0000008b");
        String empty = "8001000000130000000000" + "00000001" + "00000000";
        assertThat(runHex(NO, 0x17A, "00000001 00000000 00000010")).isEqualTo(empty); // PCR
        assertThat(runHex(NO, 0x17A, "00000001 02000000 00000010")).isEqualTo(empty); // HMAC session
        assertThat(runHex(NO, 0x17A, "00000001 80000000 00000010")).isEqualTo(empty); // no children yet
    }

    @Test
    void getCapability_handles_clampedTo254() throws VtpmException {
        java.util.Map<Integer, Blob> many = new java.util.HashMap<>();
        for (int i = 0; i < 300; i++) many.put(0x81000100 + i, () -> new byte[1]);
        HostTpm host = new HostTpm(backend);
        HandleManager hm = new HandleManager(host, new NvSpaceManager(Virtualizer.VEK_CERT_INDEX, () -> new byte[1]), many);
        GetCapabilityCommand gc = new GetCapabilityCommand(host, hm, new TpmProperties(List.of(0x17A)));
        byte[] rsp = gc.run(Cmd.of(NO, 0x17A, "00000001 81000000 00000400"));
        assertThat(rsp[10]).isEqualTo((byte) 1);
        assertThat(CommandReader.u32(rsp, 15)).isEqualTo(254);
        assertThat(rsp.length).isEqualTo(19 + 4 * 254);
        byte[] exact = gc.run(Cmd.of(NO, 0x17A, "00000001 81000000 000000fe"));
        assertThat(exact[10]).isEqualTo((byte) 1);
        assertThat(CommandReader.u32(exact, 15)).isEqualTo(254);
    }

    static final int[] COMMANDS = {0x143, 0x147, 0x148, 0x14A, 0x14E, 0x151, 0x153, 0x157, 0x15D, 0x165, 0x168, 0x169,
            0x173, 0x176, 0x177, 0x17A, 0x17B, 0x17D};

    @Test
    void getCapability_commands_ccValueOnly() {
        StringBuilder all = new StringBuilder("80010000").append(String.format("%04x", 19 + 4 * 18)).append("0000000000")
                .append("00000002").append("00000012");
        for (int cc : COMMANDS) all.append(Cmd.u32(cc));
        assertThat(runHex(NO, 0x17A, "00000002 00000000 00000100")).isEqualTo(all.toString());
        assertThat(runHex(NO, 0x17A, "00000002 0000017a 00000100"))
                .isEqualTo("80010000001f0000000000" + "00000002" + "00000003" + "0000017a0000017b0000017d");
        assertThat(runHex(NO, 0x17A, "00000002 00000000 00000002"))
                .isEqualTo("80010000001b0000000001" + "00000002" + "00000002" + "0000014300000147");
    }

    @Test
    void getCapability_pcrs_emptySelection() {
        assertThat(runHex(NO, 0x17A, "00000005 00000000 00000001")).isEqualTo("8001000000130000000000" + "00000005" + "00000000");
    }

    @Test
    void getCapability_tpmProperties_staticTable() {
        assertThat(runHex(NO, 0x17A, "00000006 00000129 00000005")).isEqualTo("80010000003b0000000001" + "00000006" + "00000005"
                + "00000129" + "00000012" + "0000012a00000000" + "0000012b00000000" + "0000012c00000400" + "0000020000000111");
        String last = "80010000001b0000000000" + "00000006" + "00000001" + "0000021400000000";
        assertThat(runHex(NO, 0x17A, "00000006 00000214 00000005")).isEqualTo(last);
        assertThat(runHex(NO, 0x17A, "00000006 00000214 00000001")).isEqualTo(last);
        // the whole table: 56 entries, manufacturer "CROS", STARTUP_CLEAR 0x8000000E
        byte[] all = run(NO, 0x17A, "00000006 00000000 000000ff");
        assertThat(CommandReader.u32(all, 15)).isEqualTo(56);
        assertThat(Cmd.hex(all)).contains("0000010543524f53").contains("000002018000000e").doesNotContain("00000115");
    }

    @Test
    void getCapability_badCapabilities_value_trailing_size() {
        assertThat(runHex(NO, 0x17A, "00000008 00000000 00000001")).isEqualTo("80010000000a00000084"); // ECC curves
        assertThat(runHex(NO, 0x17A, "00000009 00000000 00000001")).isEqualTo("80010000000a00000084");
        assertThat(runHex(NO, 0x17A, "00000007 00000000 00000001")).isEqualTo("80010000000a00000084");
        assertThat(runHex(NO, 0x17A, "00000100 00000000 00000001")).isEqualTo("80010000000a00000084");
        assertThat(runHex(NO, 0x17A, "00000001 81000000 0000000100")).isEqualTo("80010000000a00000095");
        assertThat(runHex(NO, 0x17A, "00000001 81000000")).isEqualTo("80010000000a0000009a");
    }

    @Test
    void getCapability_algorithms_forwardedUnchanged() throws IOException {
        byte[] cmd = Cmd.of(NO, 0x17A, "00000000 00000000 00000040");
        assertThat(v.execute(cmd)).isEqualTo(backend.execute(cmd, 0));
        assertThat(Cmd.rc(v.execute(cmd))).isZero();
    }

    // ---- NV_ReadPublic / NV_Read of the certificate

    byte[] certificate() {
        byte[] pub = run(NO, 0x169, "01c0000a");
        int size = (pub[24] & 0xFF) << 8 | pub[25] & 0xFF;
        StringBuilder data = new StringBuilder();
        for (int off = 0; off < size; off += 1024) {
            int n = Math.min(1024, size - off);
            byte[] r = run(SE, 0x14E, "01c0000a 01c0000a " + PW + Cmd.u16(n) + Cmd.u16(off));
            assertThat(Cmd.rc(r)).isZero();
            data.append(Cmd.hex(r).substring(32, 32 + 2 * n));
        }
        return Cmd.hex(data.toString());
    }

    @Test
    void nvReadPublic_synthesizedPublicAreaAndName() throws Exception {
        byte[] rsp = run(NO, 0x169, "01c0000a");
        byte[] cert = certificate();
        String nvPublic = "01c0000a" + "000b" + "42042001" + "0000" + Cmd.u16(cert.length);
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Cmd.hex(nvPublic));
        assertThat(Cmd.hex(rsp)).isEqualTo("80010000003e00000000" + "000e" + nvPublic + "0022" + "000b" + Cmd.hex(digest));
        assertThat(rsp).hasSize(62);
        java.security.cert.X509Certificate x = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory
                .getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(cert));
        assertThat(x.getPublicKey().getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void nvReadPublic_errors() {
        assertThat(runHex(SE, 0x169, "01c0000a")).isEqualTo("00c40000000a0000001e");
        assertThat(runHex(NO, 0x169, "01c00002")).isEqualTo("80010000000a0000014b");
        assertThat(runHex(NO, 0x169, "81010002")).isEqualTo("80010000000a0000014b");
        assertThat(runHex(NO, 0x169, "01c0000a00")).isEqualTo("80010000000a00000095");
        assertThat(runHex(NO, 0x169, "01c000")).isEqualTo("80010000000a0000009a");
    }

    @Test
    void nvRead_success_fullAndOffset_withPasswordSessionResponse() {
        byte[] cert = certificate();
        byte[] r = run(SE, 0x14E, "01c0000a 01c0000a " + PW + "0010 0004");
        assertThat(Cmd.hex(r)).isEqualTo("80020000002500000000" + "00000012" + "0010" + Cmd.hex(java.util.Arrays.copyOfRange(cert, 4, 20))
                + "0000" + "01" + "0000");
        assertThat(r).hasSize(10 + 4 + 2 + 16 + 5);
        // owner authorization works too (tpm2_getekcertificate)
        assertThat(Cmd.rc(run(SE, 0x14E, "40000001 01c0000a " + PW + "0010 0000"))).isZero();
        assertThat(Cmd.rc(run(SE, 0x14E, "01c0000a 01c0000a " + PW + Cmd.u16(0) + Cmd.u16(cert.length)))).isZero();
    }

    @Test
    void nvRead_errorsInTheReferenceOrder() {
        byte[] cert = certificate();
        String hmacSession = "00000009 02000000 0000 01 0000";
        String pwWith = "0000000a 40000009 0000 01 0001 41";
        assertThat(runHex(NO, 0x14E, "01c0000a 01c0000a 0010 0000")).isEqualTo("80010000000a00000125");
        assertThat(runHex(SE, 0x14E, "01c0000a 01c0000a 00000100 40000009")).isEqualTo("80010000000a00000144");
        // session type first, then the auth handle, then the size, then the NV manager, then the range
        assertThat(runHex(SE, 0x14E, "81000000 01c00002 " + hmacSession + "0800 0000")).isEqualTo("80010000000a0000008b");
        assertThat(runHex(SE, 0x14E, "81000000 01c00002 " + PW + "0800 0000")).isEqualTo("80010000000a00000149");
        assertThat(runHex(SE, 0x14E, "01c00002 01c00002 " + PW + "0401 0000")).isEqualTo("80010000000a00000084");
        assertThat(runHex(SE, 0x14E, "01c00002 01c00002 " + PW + "0010 0000")).isEqualTo("80010000000a0000014b");
        assertThat(runHex(SE, 0x14E, "01c0000a 01c0000a " + pwWith + "0010 0000")).isEqualTo("80010000000a000000a2");
        assertThat(runHex(SE, 0x14E, "40000001 01c0000a " + pwWith + "0010 0000")).isEqualTo("80010000000a000000a2");
        assertThat(runHex(SE, 0x14E, "01c0000a 01c0000a " + PW + "0010" + Cmd.u16(cert.length - 15)))
                .isEqualTo("80010000000a00000146");
        assertThat(runHex(SE, 0x14E, "01c0000a 01c0000a " + PW + "0010 0000 00")).isEqualTo("80010000000a00000095");
        // trunks' TPM2B_NONCE/TPM2B_AUTH hold 64 octets: a larger size does not parse (INSUFFICIENT), before any check
        assertThat(runHex(SE, 0x14E, "81000000 01c00002 0000004a 02000000 0041" + "00".repeat(65) + "01 0000 0010 0000"))
                .isEqualTo("80010000000a0000009a");
        assertThat(runHex(SE, 0x14E, "01c0000a 01c0000a 0000004a 40000009 0000 01 0041" + "00".repeat(65) + "0010 0000"))
                .isEqualTo("80010000000a0000009a");
        assertThat(runHex(SE, 0x14E, "01c0000a 01c0000a 00000049 40000009 0000 01 0040" + "00".repeat(64) + "0010 0000"))
                .isEqualTo("80010000000a000000a2");
        // the session is parsed inside the area: an area shorter than its session does not parse
        assertThat(runHex(SE, 0x14E, "01c0000a 01c0000a 00000008 40000009 0000 01 00 000010 0000")).isEqualTo("80010000000a0000009a");
    }

    // ---- forwarded commands, handle translation, bookkeeping

    static TpmtPublic signingKey() {
        return TpmtPublic.of(TpmAlg.SHA256, TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
                TpmaObject.SENSITIVE_DATA_ORIGIN, TpmaObject.USER_WITH_AUTH, TpmaObject.SIGN_ENCRYPT), Bytes.EMPTY,
                new TpmsEccParms(TpmtSymDefObject.NULL, TpmtEccScheme.NULL, 3, TpmtKdfScheme.NULL));
    }

    @Test
    void readPublic_virtualSrk_isTheReferenceTemplate_andLeavesNothingLoaded() throws IOException {
        byte[] rsp = run(NO, 0x173, "81000002");
        assertThat(Cmd.rc(rsp)).isZero();
        // TPM2B_PUBLIC: type ECC, SHA-256, 0x00030472, empty policy, AES-128-CFB, NULL scheme, P-256, NULL kdf
        assertThat(Cmd.hex(rsp).substring(24)).startsWith("0023000b00030472" + "0000" + "0006008000430010" + "0003" + "0010");
        assertThat(hostTransients()).isZero();
        byte[] ek = run(NO, 0x173, "81010002");
        assertThat(Cmd.hex(ek).substring(24)).startsWith("0023000b00030472" + "0020" + Cmd.hex(
                dev.jtpm.types.structure.Templates.POLICY_A_SHA256.toArray()));
        assertThat(hostTransients()).isZero();
        assertThat(Files.exists(dir.resolve("state/vsrk.blob"))).isTrue();
    }

    @Test
    void handleTranslation_refusals_areBareHandle() {
        assertThat(runHex(NO, 0x173, "81000003")).isEqualTo("80010000000a0000008b"); // unknown persistent
        assertThat(runHex(NO, 0x173, "81000000")).isEqualTo("80010000000a0000008b"); // the host SRK itself
        assertThat(runHex(NO, 0x173, "80000000")).isEqualTo("80010000000a0000008b"); // untracked transient
        assertThat(runHex(NO, 0x173, "01c0000a")).isEqualTo("80010000000a0000008b"); // NV index
        assertThat(runHex(NO, 0x165, "02000000")).isEqualTo("80010000000a0000008b"); // HMAC session
        assertThat(runHex(NO, 0x173, "000000")).isEqualTo("80010000000a0000009a");
    }

    @Test
    void createLoadFlush_parentKeptWhileChildLives() throws IOException {
        Create c = new Create(Virtualizer.SRK_HANDLE, TpmsSensitiveCreate.EMPTY, signingKey(), Bytes.EMPTY, new TpmlPcrSelection(List.of()));
        CreateResponse cr = CommandBytes.decode(c, v.execute(CommandBytes.encode(c))).orThrow();
        assertThat(hostTransients()).isZero();
        Load l = new Load(Virtualizer.SRK_HANDLE, cr.outPrivate(), cr.outPublic());
        byte[] lr = v.execute(CommandBytes.encode(l));
        assertThat(Cmd.hex(lr)).startsWith("800200000");
        int child = CommandReader.u32(lr, 10);
        assertThat(v.handles().children()).containsExactly(child);
        assertThat(v.handles().parentCounts()).hasSize(1).containsValue(1);
        assertThat(hostTransients()).isEqualTo(2); // the child and the vSRK copy it was loaded under
        assertThat(runHex(NO, 0x17A, "00000001 80000000 00000010"))
                .isEqualTo("8001000000170000000000" + "00000001" + "00000001" + Cmd.u32(child));
        // the child is usable: ReadPublic passes the tracked transient handle unchanged
        assertThat(Cmd.rc(run(NO, 0x173, Cmd.u32(child)))).isZero();
        // a second Load needs a third and fourth slot on a 3-slot host without a resource manager: the host's
        // TPM_RC_OBJECT_MEMORY comes back unchanged and the vSRK copy made for it is flushed again
        byte[] lr2 = v.execute(CommandBytes.encode(l));
        assertThat(Cmd.hex(lr2)).isEqualTo("80010000000a00000902");
        assertThat(hostTransients()).isEqualTo(2);
        assertThat(v.handles().children()).containsExactly(child);
        assertThat(runHex(NO, 0x165, Cmd.u32(child))).isEqualTo("80010000000a00000000");
        assertThat(v.handles().children()).isEmpty();
        assertThat(v.handles().parentCounts()).isEmpty();
        assertThat(hostTransients()).isZero();
        // the flushed child is no longer known
        assertThat(runHex(NO, 0x173, Cmd.u32(child))).isEqualTo("80010000000a0000008b");
    }

    @Test
    void flushContext_ofTheVirtualSrk_succeeds_andLeavesNothing() throws IOException {
        assertThat(runHex(NO, 0x165, "81000002")).isEqualTo("80010000000a00000000");
        assertThat(hostTransients()).isZero();
    }

    @Test
    void failedHostCommand_passedThrough_andCopiesFlushed() throws IOException {
        // Create under the vSRK with a bad template (sign + decrypt + restricted): the host's code, as the host said it
        TpmtPublic bad = signingKey().withAttributes(signingKey().objectAttributes().with(TpmaObject.DECRYPT | TpmaObject.RESTRICTED));
        Create c = new Create(Virtualizer.SRK_HANDLE, TpmsSensitiveCreate.EMPTY, bad, Bytes.EMPTY, new TpmlPcrSelection(List.of()));
        byte[] rsp = v.execute(CommandBytes.encode(c));
        assertThat(Cmd.rc(rsp)).isNotZero();
        assertThat(rsp).hasSize(10);
        assertThat(Cmd.rc(rsp) & 0x3F).isNotEqualTo(0x8B & 0x3F);
        assertThat(hostTransients()).isZero();
    }

    @Test
    void getRandom_forwarded() {
        byte[] r = run(NO, 0x17B, "0010");
        assertThat(Cmd.rc(r)).isZero();
        assertThat(r).hasSize(10 + 2 + 16);
    }

    // ---- the backend failing

    @Test
    void backendFailure_isTpmRcFailure() throws IOException {
        dev.jtpm.types.TpmDevice broken = new dev.jtpm.types.TpmDevice() {
            @Override public byte[] execute(byte[] command, int locality) throws IOException { throw new IOException("gone"); }
            @Override public void close() { }
        };
        Virtualizer b = Virtualizer.gLinux(broken, dir.resolve("s2"), new Virtualizer.CertSource.LocalCa(dir.resolve("ca")), new byte[0]);
        String failure = "80010000000a00000101";
        assertThat(Cmd.hex(b.execute(Cmd.of(NO, 0x173, "81000002")))).isEqualTo(failure);
        assertThat(Cmd.hex(b.execute(Cmd.of(NO, 0x17A, "00000000 00000000 00000040")))).isEqualTo(failure);
        assertThat(Cmd.hex(b.execute(Cmd.of(NO, 0x17A, "00000001 81000000 00000040")))).isEqualTo(failure);
        assertThat(Cmd.hex(b.execute(Cmd.of(NO, 0x169, "01c0000a")))).isEqualTo(failure);
        assertThat(Cmd.hex(b.execute(Cmd.of(NO, 0x17B, "0010")))).isEqualTo(failure);
        // what needs no host still works
        assertThat(Cmd.hex(b.execute(Cmd.of(NO, 0x143, "01")))).isEqualTo("80010000000a00000000");
        assertThat(Cmd.rc(b.execute(Cmd.of(NO, 0x17A, "00000006 00000100 00000010")))).isZero();
    }

    // ---- robustness: mutated commands never escape as exceptions, leave nothing loaded, and the TPM keeps serving

    @Test
    void mutatedCommands_alwaysAnswered_nothingLeaked() throws IOException {
        List<byte[]> seeds = List.of(
                Cmd.of(NO, 0x17A, "00000001 81000000 00000010"), Cmd.of(NO, 0x169, "01c0000a"),
                Cmd.of(SE, 0x14E, "01c0000a 01c0000a " + PW + "0010 0000"), Cmd.of(NO, 0x173, "81000002"),
                Cmd.of(NO, 0x165, "81010002"), Cmd.of(NO, 0x143, "01"), Cmd.of(NO, 0x17B, "0010"),
                Cmd.of(SE, 0x151, "4000000b 03000000 " + PW + "0000 0000 0000 00000000"));
        java.util.Random random = new java.util.Random(13);
        int answered = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] c = seeds.get(random.nextInt(seeds.size())).clone();
            int flips = 1 + random.nextInt(3);
            for (int f = 0; f < flips; f++) {
                int at = 10 + random.nextInt(Math.max(1, c.length - 10));
                if (at < c.length) c[at] = (byte) random.nextInt(256);
            }
            if (random.nextInt(4) == 0) c = java.util.Arrays.copyOf(c, random.nextInt(c.length + 4)); // truncated or padded
            byte[] r = v.execute(c);
            assertThat(r.length).isGreaterThanOrEqualTo(10);
            assertThat(CommandReader.u32(r, 2)).isEqualTo(r.length);
            answered++;
        }
        assertThat(answered).isEqualTo(3000);
        assertThat(hostTransients()).isZero();
        assertThat(v.handles().children()).isEmpty();
        assertThat(runHex(NO, 0x17A, "00000001 81000000 00000010")).endsWith("81000002" + "81010002");
    }
}
