package dev.jtpm.cli;

import dev.jtpm.server.SwtpmSocket;
import dev.jtpm.server.TpmInstance;
import dev.jtpm.tss.Endpoint;
import dev.jtpm.tss.SwtpmControl;
import dev.jtpm.tss.SwtpmSocketTransport;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSe;
import dev.jtpm.types.TpmSu;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.CreatePrimary;
import dev.jtpm.types.command.FlushContext;
import dev.jtpm.types.command.GetCapability;
import dev.jtpm.types.command.GetRandom;
import dev.jtpm.types.command.PcrExtend;
import dev.jtpm.types.command.PcrRead;
import dev.jtpm.types.command.SelfTest;
import dev.jtpm.types.command.Shutdown;
import dev.jtpm.types.command.StartAuthSession;
import dev.jtpm.types.command.Startup;
import dev.jtpm.types.structure.Templates;
import dev.jtpm.types.structure.TpmlDigestValues;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsPcrSelection;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.TpmtHa;
import dev.jtpm.types.structure.TpmtSymDef;
import dev.jtpm.wire.CtrlRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The training run of the build's AOT cache (JDK 25, {@code -XX:AOTCacheOutput}): a `jtpm socket` in this JVM on
 * free loopback ports with a temporary state directory, driven the way a VM's first minutes drive it — the control
 * channel's start-up (capabilities, init, locality), Startup, SelfTest, GetCapability, PCR reads and extends,
 * GetRandom, sessions, EK- and SRK-shaped CreatePrimary (RSA and ECC), Shutdown; then a swtpm state directory taken
 * over — so the classes, linkage and profiles of that path are in the cache. Not a user command: {@code bin/build} runs it.
 */
final class AotTraining {
    private AotTraining() {}

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("jtpm-aot-training");
        CompletableFuture<TpmInstance> ready = new CompletableFuture<>();
        Thread server = Thread.ofPlatform().start(() -> SwtpmSocket.run(List.of("--tpm2", "--server", "type=tcp,port=0",
                "--ctrl", "type=tcp,port=0", "--tpmstate", "dir=" + dir, "--flags", "not-need-init"), System.getenv(),
                System.out, System.err, ready::complete));
        TpmInstance instance = ready.get(60, TimeUnit.SECONDS);
        try {
            SwtpmControl ctrl = new SwtpmControl(new Endpoint.Tcp("127.0.0.1", instance.ctrlPort()));
            ctrl.capabilities();
            ctrl.send(new CtrlRequest.SetLocality(0));
            ctrl.send(new CtrlRequest.GetTpmEstablished());
            for (int round = 0; round < 3; round++) {
                try (SwtpmSocketTransport t = new SwtpmSocketTransport(new Endpoint.Tcp("127.0.0.1", instance.dataPort()),
                        new Endpoint.Tcp("127.0.0.1", instance.ctrlPort()))) {
                    drive(t);
                }
                ctrl.init(0);
            }
            ctrl.send(new CtrlRequest.Shutdown());
        } finally {
            instance.close();
            server.join(10_000);
        }
        // libvirt's and QEMU's way: a Unix control socket (the native listener, epoll, recvmsg)
        Path unixDir = dir.resolve("unix");
        CompletableFuture<TpmInstance> ready2 = new CompletableFuture<>();
        Thread server2 = Thread.ofPlatform().start(() -> SwtpmSocket.run(List.of("--tpm2", "--server",
                "type=unixio,path=" + unixDir.resolve("data.sock"), "--ctrl", "type=unixio,path=" + unixDir.resolve("ctrl.sock")
                        + ",mode=0600", "--tpmstate", "dir=" + unixDir + ",mode=0600", "--log", "file=-"), System.getenv(),
                System.out, System.err, ready2::complete));
        TpmInstance instance2 = ready2.get(60, TimeUnit.SECONDS);
        try {
            SwtpmControl ctrl = new SwtpmControl(new Endpoint.Unix(unixDir.resolve("ctrl.sock")));
            ctrl.capabilities();
            ctrl.send(new CtrlRequest.Stop());
            ctrl.send(new CtrlRequest.SetBufferSize(0));
            ctrl.init(0);
            ctrl.send(new CtrlRequest.SetLocality(0));
            try (SwtpmSocketTransport t = new SwtpmSocketTransport(new Endpoint.Unix(unixDir.resolve("data.sock")),
                    new Endpoint.Unix(unixDir.resolve("ctrl.sock")))) {
                drive(t);
            }
            ctrl.send(new CtrlRequest.Shutdown());
        } finally {
            instance2.close();
            server2.join(10_000);
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        trainLibtpmsTakeover();
    }

    /**
     * A directory swtpm left (libtpms' state made by swtpm 0.7.1, a resource of jtpm-libtpms): opening it converts
     * both files (tpm-server's ForeignStateFormat), _TPM_Init resumes from the volatile state.
     */
    private static void trainLibtpmsTakeover() throws IOException {
        Path dir = Files.createTempDirectory("jtpm-aot-libtpms");
        try {
            for (String name : List.of("tpm2-00.permall", "tpm2-00.volatilestate")) {
                try (var in = dev.jtpm.libtpms.LibtpmsStateFormat.class.getResourceAsStream("training/" + name)) {
                    if (in == null) return;
                    Files.write(dir.resolve(name), in.readAllBytes());
                }
            }
            try (var store = dev.jtpm.server.DirectoryStateStore.open(dir, 0600, java.util.Optional.empty(), true)) {
                new dev.jtpm.engine.Tpm(dev.jtpm.engine.platform.Platform.of(store)).init();
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void drive(SwtpmSocketTransport t) throws IOException {
        var sel = new TpmlPcrSelection(List.of(TpmsPcrSelection.of(TpmAlg.SHA256, 0, 1, 2, 3, 4, 5, 6, 7),
                TpmsPcrSelection.of(TpmAlg.SHA1, 0, 1, 2, 3, 4, 5, 6, 7)));
        var digests = new TpmlDigestValues(List.of(new TpmtHa(TpmAlg.SHA256, Bytes.zeros(32)), new TpmtHa(TpmAlg.SHA1, Bytes.zeros(20))));
        var noPcrs = new TpmlPcrSelection(List.of());
        t.execute(CommandBytes.encode(new Startup(TpmSu.CLEAR)), 0);
        t.execute(CommandBytes.encode(new SelfTest(true)), 0);
        for (int cap : new int[] {0, 2, 5, 6}) t.execute(CommandBytes.encode(new GetCapability(cap, cap == 6 ? 0x100 : 0, 64)), 0);
        for (int i = 0; i < 20; i++) {
            t.execute(CommandBytes.encode(new PcrExtend(i % 8, digests)), 0);
            t.execute(CommandBytes.encode(new PcrRead(sel)), 0);
            t.execute(CommandBytes.encode(new GetRandom(16)), 0);
        }
        byte[] session = t.execute(CommandBytes.encode(new StartAuthSession(TpmRh.NULL, TpmRh.NULL, Bytes.zeros(32), Bytes.EMPTY,
                TpmSe.HMAC, TpmtSymDef.NULL, TpmAlg.SHA256)), 0);
        if (session.length >= 14) t.execute(CommandBytes.encode(new FlushContext(u32(session, 10))), 0);
        for (var template : List.of(Templates.EK_RSA_2048, Templates.EK_ECC_P256, Templates.RSA_2048_SRK, Templates.ECC_P256_SRK)) {
            int hierarchy = template == Templates.EK_RSA_2048 || template == Templates.EK_ECC_P256 ? TpmRh.ENDORSEMENT : TpmRh.OWNER;
            byte[] r = t.execute(CommandBytes.encode(new CreatePrimary(hierarchy, TpmsSensitiveCreate.EMPTY, template,
                    Bytes.EMPTY, noPcrs)), 0);
            if (r.length >= 14 && u32(r, 6) == 0) t.execute(CommandBytes.encode(new FlushContext(u32(r, 10))), 0);
        }
        t.execute(CommandBytes.encode(new Shutdown(TpmSu.CLEAR)), 0);
    }

    private static int u32(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }
}
