package dev.jtpm.cros;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.server.backend.Backend;
import dev.jtpm.server.backend.BackendSpec;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.EvictControl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vSRK cache (vtpm.BlobData in vsrk.blob, written atomically, made again when the host SRK changed), the
 * endorsement password substitution byte for byte, and the HMAC-session flush of jtpm's addition.
 */
class StateAndPasswordTest {
    @TempDir Path dir;

    Virtualizer on(Backend backend) {
        return Virtualizer.gLinux(backend, dir.resolve("state"), new Virtualizer.CertSource.LocalCa(dir.resolve("ca")), new byte[0]);
    }

    static String nameOf(byte[] readPublicResponse) {
        int pubSize = (readPublicResponse[10] & 0xFF) << 8 | readPublicResponse[11] & 0xFF;
        int at = 12 + pubSize;
        int nameSize = (readPublicResponse[at] & 0xFF) << 8 | readPublicResponse[at + 1] & 0xFF;
        return Cmd.hex(java.util.Arrays.copyOfRange(readPublicResponse, at + 2, at + 2 + nameSize));
    }

    @Test
    void vsrkBlob_isBlobData_reused_andRecreatedWhenTheHostSrkChanges() throws Exception {
        Backend backend = BackendSpec.parse("--backend", "in-process:" + dir.resolve("host")).open();
        Virtualizer v = on(backend);
        String first = nameOf(v.execute(Cmd.of(0x8001, 0x173, "81000002")));
        Path file = dir.resolve("state/vsrk.blob");
        byte[] stored = Files.readAllBytes(file);
        // BlobData: field 2 (blob: TPM2B_PUBLIC || TPM2B_PRIVATE), jtpm's field 15 (host SRK Name); no field 1 (V0)
        Protobuf.Fields f = Protobuf.parse(stored);
        assertThat(stored[0]).isEqualTo((byte) 0x12);
        assertThat(f.varints()).isEmpty();
        HostTpm.KeyBlob kb = HostTpm.KeyBlob.parse(f.bytes(2));
        assertThat(Cmd.hex(kb.publicArea())).startsWith("0023000b00030472");
        byte[] hostSrkName = f.bytes(15);
        assertThat(hostSrkName).hasSize(34);
        try (var listing = Files.list(dir.resolve("state"))) {
            assertThat(listing.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("."))).isEmpty(); // no temp left
        }
        v.close();

        // a restart on the same host reuses the blob: the same vSRK
        backend = BackendSpec.parse("--backend", "in-process:" + dir.resolve("host")).open();
        v = on(backend);
        assertThat(nameOf(v.execute(Cmd.of(0x8001, 0x173, "81000002")))).isEqualTo(first);
        assertThat(Files.readAllBytes(file)).isEqualTo(stored);

        // the host SRK replaced (evicted; cros-vtpmd makes a new one, under a new seed after TPM2_Clear)
        assertThat(Cmd.rc(backend.execute(CommandBytes.encode(new EvictControl(TpmRh.OWNER, HostTpm.HOST_SRK, HostTpm.HOST_SRK)), 0))).isZero();
        assertThat(Cmd.rc(backend.execute(Cmd.of(0x8002, 0x126, "4000000c 00000009 40000009 0000 01 0000"), 0))).isZero(); // Clear(lockout)
        String after = nameOf(v.execute(Cmd.of(0x8001, 0x173, "81000002")));
        assertThat(after).isNotEqualTo(first);
        assertThat(Protobuf.parse(Files.readAllBytes(file)).bytes(15)).isNotEqualTo(hostSrkName);
        // the vEK and its certificate follow: the certificate read now certifies the new vEK
        assertThat(Cmd.rc(v.execute(Cmd.of(0x8001, 0x169, "01c0000a")))).isZero();
        v.close();
    }

    @Test
    void ekCertFile_servedAsIs_pemOrDer() throws Exception {
        var kpg = java.security.KeyPairGenerator.getInstance("EC");
        kpg.initialize(256);
        var ca = dev.jtpm.provision.LocalCa.open(dir.resolve("other-ca"));
        var cert = ca.issueEk("given", kpg.generateKeyPair().getPublic(),
                new dev.jtpm.provision.TcgCertificates.TpmInfo("id:00001014", "model", "id:0001", "2.0", 0, 164),
                dev.jtpm.provision.TcgCertificates.KeyUse.STANDARD);
        Path pem = dir.resolve("ek.pem");
        Files.writeString(pem, dev.jtpm.provision.LocalCa.pem(cert));
        Virtualizer v = Virtualizer.gLinux(BackendSpec.parse("--backend", "in-process").open(), dir.resolve("s"),
                new Virtualizer.CertSource.File(pem), new byte[0]);
        byte[] der = cert.getEncoded();
        byte[] pub = v.execute(Cmd.of(0x8001, 0x169, "01c0000a"));
        assertThat(Cmd.hex(pub).substring(20, 52)).isEqualTo("000e01c0000a000b420420010000" + Cmd.u16(der.length));
        byte[] r = v.execute(Cmd.of(0x8002, 0x14E, "01c0000a 01c0000a 00000009 40000009 0000 01 0000" + Cmd.u16(der.length) + "0000"));
        assertThat(java.util.Arrays.copyOfRange(r, 16, 16 + der.length)).isEqualTo(der);
        v.close();
        // a missing file: the certificate is unavailable, TPM_RC_FAILURE as when attestationd fails
        Virtualizer missing = Virtualizer.gLinux(BackendSpec.parse("--backend", "in-process").open(), dir.resolve("s2"),
                new Virtualizer.CertSource.File(dir.resolve("none.pem")), new byte[0]);
        assertThat(Cmd.hex(missing.execute(Cmd.of(0x8001, 0x169, "01c0000a")))).isEqualTo("80010000000a00000101");
        missing.close();
    }

    @Test
    void corruptVsrkBlob_isTpmRcFailure() throws Exception {
        Files.createDirectories(dir.resolve("state"));
        Files.write(dir.resolve("state/vsrk.blob"), Cmd.hex("12ff"));
        Virtualizer v = on(BackendSpec.parse("--backend", "in-process").open());
        assertThat(Cmd.hex(v.execute(Cmd.of(0x8001, 0x173, "81000002")))).isEqualTo("80010000000a00000101");
        assertThat(Cmd.hex(v.execute(Cmd.of(0x8001, 0x17A, "00000001 81000000 00000010")))).isEqualTo("80010000000a00000101");
        v.close();
    }

    /** A PolicySecret command with one password session carrying {@code password}, and extra bytes in the area. */
    static byte[] policySecret(int authHandle, String passwordHex, String extraInArea) {
        int pwLen = passwordHex.length() / 2;
        int area = 9 + pwLen + extraInArea.length() / 2;
        return Cmd.of(0x8002, 0x151, Cmd.u32(authHandle) + "03000000" + Cmd.u32(area) + "40000009" + "0000" + "01"
                + Cmd.u16(pwLen) + passwordHex + extraInArea + "0000" + "0000" + "0000" + "00000000");
    }

    @Test
    void endorsementPassword_substitutedByteExactly() throws Exception {
        byte[] real = "real password".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        EndorsementPasswordChanger c = new EndorsementPasswordChanger(() -> real);
        assertThat(c.change(policySecret(0x4000000B, "", ""))).isEqualTo(policySecret(0x4000000B, Cmd.hex(real), ""));
        // extra bytes in the authorization area stay after the new session
        assertThat(c.change(policySecret(0x4000000B, "", "abcd"))).isEqualTo(policySecret(0x4000000B, Cmd.hex(real), "abcd"));
        // other hierarchies, other passwords, other commands: unchanged
        byte[] owner = policySecret(0x40000001, "", "");
        assertThat(c.change(owner)).isSameAs(owner);
        byte[] given = policySecret(0x4000000B, "41", "");
        assertThat(c.change(given)).isSameAs(given);
        byte[] other = Cmd.of(0x8001, 0x17B, "0010");
        assertThat(c.change(other)).isSameAs(other);
        // an authorizationSize past the end of the command (the reference aborts there): INSUFFICIENT
        byte[] past = policySecret(0x4000000B, "", "");
        CommandReader.putU32(past, 18, 0x100);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.change(past)).isInstanceOf(VtpmException.class)
                .extracting(e -> ((VtpmException) e).rc()).isEqualTo(VtpmRc.INSUFFICIENT);
        // no real password to be had: TPM_RC_FAILURE, header-only, through the virtualizer
        EndorsementPasswordChanger failing = new EndorsementPasswordChanger(() -> { throw new VtpmException(VtpmRc.FAILURE); });
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> failing.change(policySecret(0x4000000B, "", "")))
                .isInstanceOf(VtpmException.class);
    }

    @Test
    void endorsementPassword_reachesTheHost() throws Exception {
        // a host whose endorsement auth is "real" (HierarchyChangeAuth): PolicySecret with the empty virtual password
        // works through vtpm only because vtpm puts the real one in
        Backend backend = BackendSpec.parse("--backend", "in-process").open();
        assertThat(Cmd.rc(backend.execute(Cmd.of(0x8002, 0x129, "4000000b 00000009 40000009 0000 01 0000 0004 7265616c"), 0)))
                .isZero();
        List<byte[]> seen = new ArrayList<>();
        dev.jtpm.types.TpmDevice recording = new dev.jtpm.types.TpmDevice() {
            @Override public byte[] execute(byte[] command, int locality) throws java.io.IOException {
                seen.add(command);
                return backend.execute(command, locality);
            }
            @Override public void close() throws java.io.IOException { backend.close(); }
        };
        Virtualizer v = Virtualizer.gLinux(recording, dir.resolve("s"), new Virtualizer.CertSource.LocalCa(dir.resolve("ca")),
                "real".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        byte[] sas = v.execute(Cmd.of(0x8001, 0x176, "40000007 40000007 0010" + "00".repeat(16) + "0000 01 0010 000b"));
        assertThat(Cmd.rc(sas)).isZero();
        int session = CommandReader.u32(sas, 10);
        byte[] ps = v.execute(Cmd.of(0x8002, 0x151, "4000000b" + Cmd.u32(session) + "00000009 40000009 0000 01 0000"
                + "0000 0000 0000 00000000"));
        assertThat(Cmd.rc(ps)).isZero();
        assertThat(Cmd.hex(seen.getLast())).contains("0000000d400000090000010004" + "7265616c");
        v.close();
    }

    @Test
    void flushOfAnHmacSession_isHandle_butTheHostSessionIsGone() throws Exception {
        Backend backend = BackendSpec.parse("--backend", "in-process").open();
        Virtualizer v = on(backend);
        byte[] sas = v.execute(Cmd.of(0x8001, 0x176, "40000007 40000007 0010" + "00".repeat(16) + "0000 00 0010 000b"));
        int session = CommandReader.u32(sas, 10);
        assertThat(session >>> 24).isEqualTo(0x02);
        String loaded = "00000001 02000000 00000010";
        assertThat(CommandReader.u32(backend.execute(Cmd.of(0x8001, 0x17A, loaded), 0), 15)).isEqualTo(1);
        assertThat(Cmd.hex(v.execute(Cmd.of(0x8001, 0x165, Cmd.u32(session))))).isEqualTo("80010000000a0000008b");
        assertThat(CommandReader.u32(backend.execute(Cmd.of(0x8001, 0x17A, loaded), 0), 15)).isZero();
        // a session vtpm did not start is left alone, with the same answer
        assertThat(Cmd.hex(v.execute(Cmd.of(0x8001, 0x165, "02000005")))).isEqualTo("80010000000a0000008b");
        v.close();
    }

    @Test
    void protobuf_blobData_andRequests() {
        assertThat(Cmd.hex(new Protobuf.Writer().bytes(2, Cmd.hex("0102")).toByteArray())).isEqualTo("12020102");
        byte[] big = new byte[300];
        assertThat(Cmd.hex(Protobuf.sendCommandResponse(big)).substring(0, 6)).isEqualTo("0aac02");
        assertThat(Protobuf.parse(Cmd.hex("0800" + "0a0101")).bytes(1)).isEqualTo(new byte[] {1});
        assertThat(Protobuf.parse(new byte[0]).has(1)).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Protobuf.parse(Cmd.hex("0a05"))).isInstanceOf(IllegalArgumentException.class);
        assertThat(Bytes.EMPTY.size()).isZero();
    }
}
