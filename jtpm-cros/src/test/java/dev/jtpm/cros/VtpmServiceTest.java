package dev.jtpm.cros;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jtpm.provision.LocalCa;
import dev.jtpm.provision.Manufacture;
import dev.jtpm.server.backend.Backend;
import dev.jtpm.server.backend.BackendSpec;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSe;
import dev.jtpm.types.command.ActivateCredential;
import dev.jtpm.types.command.ActivateCredentialResponse;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.Create;
import dev.jtpm.types.command.CreateResponse;
import dev.jtpm.types.command.Load;
import dev.jtpm.types.command.MakeCredential;
import dev.jtpm.types.command.MakeCredentialResponse;
import dev.jtpm.types.command.PolicySecret;
import dev.jtpm.types.command.Sign;
import dev.jtpm.types.command.SignResponse;
import dev.jtpm.types.command.StartAuthSession;
import dev.jtpm.types.command.StartAuthSessionResponse;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.TpmtSigScheme;
import dev.jtpm.types.structure.TpmtSymDef;
import dev.jtpm.types.structure.TpmtTkHashcheck;
import dev.jtpm.types.structure.TpmuSignature;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * org.chromium.Vtpm on a real dbus-daemon: a dbus-java client calling SendCommand with protobuf-wrapped commands (the
 * core flows: virtual handles, the certificate verified against the CA, create/load/sign under the vSRK with the
 * signature verified, MakeCredential/ActivateCredential with the vEK through PolicySecret(endorsement)), and
 * dbus-send/busctl carrying the byte arrays.
 */
class VtpmServiceTest {
    @TempDir Path dir;
    DbusBus bus;
    Backend backend;
    Virtualizer vtpm;
    VtpmService service;
    DBusConnection client;
    VtpmInterface remote;

    @BeforeEach
    void start() throws Exception {
        bus = new DbusBus(dir);
        backend = BackendSpec.parse("--backend", "in-process").open();
        vtpm = Virtualizer.gLinux(backend, dir.resolve("state"), new Virtualizer.CertSource.LocalCa(dir.resolve("ca")), new byte[0]);
        service = VtpmService.start(vtpm, bus.address());
        client = DBusConnectionBuilder.forAddress(bus.address()).withShared(false).build();
        remote = client.getRemoteObject(VtpmInterface.SERVICE_NAME, VtpmInterface.SERVICE_PATH, VtpmInterface.class);
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) client.disconnect();
        if (service != null) service.close();
        if (vtpm != null) vtpm.close();
        if (bus != null) bus.close();
    }

    /** One command through D-Bus: SendCommandRequest{command} in, SendCommandResponse{response} out. */
    byte[] send(byte[] command) {
        byte[] reply = remote.SendCommand(Protobuf.sendCommandRequest(command));
        Protobuf.Fields f = Protobuf.parse(reply);
        assertThat(f.has(1)).isTrue();
        return f.bytes(1);
    }

    @Test
    void protobufFraming_byteExact() {
        byte[] cmd = Cmd.of(0x8001, 0x143, "01");
        assertThat(Cmd.hex(Protobuf.sendCommandRequest(cmd))).isEqualTo("0a0b" + Cmd.hex(cmd));
        byte[] reply = remote.SendCommand(Protobuf.sendCommandRequest(cmd));
        assertThat(Cmd.hex(reply)).isEqualTo("0a0a" + "80010000000a00000000");
        // errors are TPM responses inside SendCommandResponse, never D-Bus errors
        assertThat(Cmd.hex(remote.SendCommand(Protobuf.sendCommandRequest(Cmd.hex("c100"))))).isEqualTo("0a0a" + "00c40000000a0000001e");
        assertThat(Cmd.hex(remote.SendCommand(new byte[0]))).isEqualTo("0a0a" + "80010000000a0000009a");
        // an unknown field is skipped as protobuf parsers do
        assertThat(Cmd.hex(remote.SendCommand(Cmd.hex("1001" + "0a0b" + Cmd.hex(cmd))))).isEqualTo("0a0a80010000000a00000000");
        // bytes that are not a protobuf message are a D-Bus error
        assertThatThrownBy(() -> remote.SendCommand(Cmd.hex("0aff"))).hasMessageContaining("SendCommandRequest");
    }

    @Test
    void virtualHandles_andTheCertificate_overDbus() throws Exception {
        assertThat(Cmd.hex(send(Cmd.of(0x8001, 0x17A, "00000001 81000000 00000010")))).endsWith("00000002" + "81000002" + "81010002");
        assertThat(Cmd.hex(send(Cmd.of(0x8002, 0x182, "00000000")))).isEqualTo("80010000000a00000143"); // PCR_Extend
        byte[] pub = send(Cmd.of(0x8001, 0x169, "01c0000a"));
        assertThat(Cmd.hex(pub)).startsWith("80010000003e00000000000e01c0000a000b42042001");
        int size = (pub[24] & 0xFF) << 8 | pub[25] & 0xFF;
        java.io.ByteArrayOutputStream der = new java.io.ByteArrayOutputStream();
        for (int off = 0; off < size; off += 1024) {
            int n = Math.min(1024, size - off);
            byte[] r = send(Cmd.of(0x8002, 0x14E, "01c0000a 01c0000a 00000009 40000009 0000 01 0000" + Cmd.u16(n) + Cmd.u16(off)));
            assertThat(Cmd.rc(r)).isZero();
            der.write(r, 16, n);
        }
        X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(der.toByteArray()));
        cert.verify(LocalCa.open(dir.resolve("ca")).issuerCertificate().getPublicKey());
        byte[] ek = send(Cmd.of(0x8001, 0x173, "81010002"));
        var ekPublic = dev.jtpm.types.codec.TpmCodec.decode(dev.jtpm.types.structure.TpmtPublic.class,
                java.util.Arrays.copyOfRange(ek, 12, 12 + ((ek[10] & 0xFF) << 8 | ek[11] & 0xFF)));
        assertThat(cert.getPublicKey().getEncoded()).isEqualTo(Manufacture.publicKey(ekPublic).getEncoded());
    }

    @Test
    void createLoadSign_andActivateCredential_overDbus() throws Exception {
        var akTemplate = VirtualizerTest.signingKey();
        Create c = new Create(Virtualizer.SRK_HANDLE, TpmsSensitiveCreate.EMPTY, akTemplate, Bytes.EMPTY, new TpmlPcrSelection(List.of()));
        CreateResponse cr = CommandBytes.decode(c, send(CommandBytes.encode(c))).orThrow();
        byte[] lr = send(CommandBytes.encode(new Load(Virtualizer.SRK_HANDLE, cr.outPrivate(), cr.outPublic())));
        assertThat(Cmd.rc(lr)).isZero();
        int ak = CommandReader.u32(lr, 10);

        byte[] message = "signed through org.chromium.Vtpm".getBytes(StandardCharsets.UTF_8);
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(message);
        Sign s = new Sign(ak, Bytes.wrap(digest), TpmtSigScheme.of(TpmAlg.ECDSA, TpmAlg.SHA256), TpmtTkHashcheck.nullTicket());
        SignResponse sr = CommandBytes.decode(s, send(CommandBytes.encode(s))).orThrow();
        TpmuSignature.Ecc ecc = (TpmuSignature.Ecc) sr.signature().signature();
        Signature verify = Signature.getInstance("SHA256withECDSA");
        verify.initVerify(Manufacture.publicKey(cr.outPublic()));
        verify.update(message);
        assertThat(verify.verify(derSignature(ecc.signatureR().toArray(), ecc.signatureS().toArray()))).isTrue();

        // MakeCredential with the vEK, then ActivateCredential(AK, vEK) with PolicySecret(TPM_RH_ENDORSEMENT, "")
        Bytes secret = Bytes.wrap("the credential's secret".getBytes(StandardCharsets.UTF_8));
        MakeCredential mc = new MakeCredential(Virtualizer.EK_HANDLE, secret, cr.outPublic().name());
        MakeCredentialResponse mr = CommandBytes.decode(mc, send(CommandBytes.encode(mc))).orThrow();
        StartAuthSession sas = new StartAuthSession(TpmRh.NULL, TpmRh.NULL, Bytes.wrap(new byte[16]), Bytes.EMPTY,
                TpmSe.POLICY, TpmtSymDef.NULL, TpmAlg.SHA256);
        StartAuthSessionResponse session = CommandBytes.decode(sas, send(CommandBytes.encode(sas))).orThrow();
        PolicySecret ps = new PolicySecret(TpmRh.ENDORSEMENT, session.sessionHandle(), Bytes.EMPTY, Bytes.EMPTY, Bytes.EMPTY, 0);
        assertThat(Cmd.rc(send(CommandBytes.encode(ps)))).isZero();
        ActivateCredential ac = new ActivateCredential(ak, Virtualizer.EK_HANDLE, mr.credentialBlob(), mr.secret());
        byte[] acCommand = CommandBytes.encode(ac, List.of(Bytes.EMPTY, Bytes.EMPTY));
        // the second session (for the vEK) is the policy session: handle 2's TPM_RS_PW becomes the session handle
        CommandReader.putU32(acCommand, 10 + 8 + 4 + 9, session.sessionHandle());
        ActivateCredentialResponse ar = CommandBytes.decode(ac, send(acCommand)).orThrow();
        assertThat(ar.certInfo()).isEqualTo(secret);

        assertThat(Cmd.hex(send(Cmd.of(0x8001, 0x165, Cmd.u32(session.sessionHandle()))))).isEqualTo("80010000000a00000000");
        assertThat(Cmd.hex(send(Cmd.of(0x8001, 0x165, Cmd.u32(ak))))).isEqualTo("80010000000a00000000");
        assertThat(vtpm.handles().children()).isEmpty();
    }

    static byte[] derSignature(byte[] r, byte[] s) throws java.io.IOException {
        return new org.bouncycastle.asn1.DERSequence(new org.bouncycastle.asn1.ASN1Encodable[] {
                new org.bouncycastle.asn1.ASN1Integer(new java.math.BigInteger(1, r)),
                new org.bouncycastle.asn1.ASN1Integer(new java.math.BigInteger(1, s))}).getEncoded();
    }

    /** Runs a command-line D-Bus client with the private bus as its session bus. */
    String runOnBus(String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("DBUS_SESSION_BUS_ADDRESS", bus.address());
        return run(pb);
    }

    /** Runs a command-line D-Bus client. */
    static String run(String... cmd) throws Exception {
        return run(new ProcessBuilder(cmd).redirectErrorStream(true));
    }

    static String run(ProcessBuilder pb) throws Exception {
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    static String byteList(byte[] b, String sep, String format) {
        List<String> parts = new ArrayList<>();
        for (byte x : b) parts.add(String.format(format, x & 0xFF));
        return String.join(sep, parts);
    }

    @Test
    void dbusSend_carriesTheByteArray() throws Exception {
        DbusBus.require("/usr/bin/dbus-send", "Debian's dbus package");
        byte[] req = Protobuf.sendCommandRequest(Cmd.of(0x8001, 0x17A, "00000001 81000000 00000010"));
        // dbus-send --address gets no replies routed back (it does not register on the bus): the session bus variable does
        String out = runOnBus("/usr/bin/dbus-send", "--session", "--print-reply", "--dest=" + VtpmInterface.SERVICE_NAME,
                VtpmInterface.SERVICE_PATH, VtpmInterface.INTERFACE + ".SendCommand", "array:byte:" + byteList(req, ",", "0x%02x"));
        // "array of bytes [ 0a 1b 80 01 ... ]"
        assertThat(out).contains("array of bytes [");
        String hex = out.substring(out.indexOf('[') + 1, out.lastIndexOf(']')).replaceAll("\\s+", "");
        assertThat(hex).isEqualTo("0a1b" + "80010000001b00000000" + "00" + "00000001" + "00000002" + "81000002" + "81010002");
    }

    @Test
    void introspection_showsTheReferenceInterface() throws Exception {
        DbusBus.require("/usr/bin/dbus-send", "Debian's dbus package");
        String xml = runOnBus("/usr/bin/dbus-send", "--session", "--print-reply", "--dest=" + VtpmInterface.SERVICE_NAME,
                VtpmInterface.SERVICE_PATH, "org.freedesktop.DBus.Introspectable.Introspect");
        assertThat(xml.replaceAll("\\s+", " ")).contains("<interface name=\"org.chromium.Vtpm\"> <method name=\"SendCommand\" >"
                + " <arg type=\"ay\" direction=\"in\"/> <arg type=\"ay\" direction=\"out\"/> </method> </interface>");
    }

    @Test
    void busctl_carriesTheByteArray() throws Exception {
        DbusBus.require("/usr/bin/busctl", "Debian's systemd package");
        byte[] req = Protobuf.sendCommandRequest(Cmd.of(0x8001, 0x143, "01"));
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/busctl", "--address=" + bus.address(), "call",
                VtpmInterface.SERVICE_NAME, VtpmInterface.SERVICE_PATH, VtpmInterface.INTERFACE, "SendCommand", "ay",
                Integer.toString(req.length)));
        for (byte x : req) cmd.add(Integer.toString(x & 0xFF));
        String out = run(cmd.toArray(String[]::new));
        // ay 12 10 10 128 1 0 0 0 10 0 0 0 0
        assertThat(out.strip()).isEqualTo("ay 12 10 10 128 1 0 0 0 10 0 0 0 0");
        // the name is owned by the service's connection
        assertThat(run("/usr/bin/busctl", "--address=" + bus.address(), "status", VtpmInterface.SERVICE_NAME))
                .contains("UniqueName=" + service.uniqueName());
        assertThat(HexFormat.of().formatHex(req)).isEqualTo("0a0b80010000000b0000014301");
    }
}
