package dev.jtpm.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.server.ChannelSpec;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSu;
import dev.jtpm.types.command.*;
import dev.jtpm.types.structure.TpmaObject;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsKeyedhashParms;
import dev.jtpm.types.structure.TpmsPcrSelection;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.TpmtKeyedhashScheme;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmtSigScheme;
import dev.jtpm.types.structure.TpmtSymDefObject;
import dev.jtpm.types.structure.TpmtTkHashcheck;
import java.util.List;
import dev.jtpm.server.InstanceConfig;
import dev.jtpm.server.ServerLog;
import dev.jtpm.server.StateStore;
import dev.jtpm.server.SwtpmFlags;
import dev.jtpm.server.TpmInstance;
import dev.jtpm.wire.BigEndian;
import dev.jtpm.wire.CtrlRequest;
import dev.jtpm.wire.MssimCommand;
import dev.jtpm.wire.Ptm;
import dev.jtpm.wire.SendCommandEnvelope;
import dev.jtpm.wire.StateBlob;
import dev.jtpm.wire.StateKey;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Writes the seed corpora into {@code src/test/resources} (run on purpose: {@code bin/fuzz --seed}, i.e.
 * {@code -Djtpm.fuzz.seed=true}; skipped otherwise). The engine's seeds are tpm2-tools 5.4 runs captured through a
 * {@link CorpusCapture} tap in front of a jtpm server; the others are made from the same world's blobs and from the
 * protocols' own encoders. Files are named {@code seed-*}; Jazzer's findings keep their {@code crash-*} names.
 */
class CorpusMakerTest {
    private static final Path RESOURCES = Path.of("src/test/resources/dev/jtpm");

    /** tpm2-tools scenarios: each one shell script, run in a fresh directory with TPM2TOOLS_TCTI set. */
    private static final Map<String, String> SCENARIOS = new LinkedHashMap<>();

    static {
        SCENARIOS.put("basics", """
                tpm2_getrandom 16 --hex; tpm2_getcap properties-fixed; tpm2_pcrread sha256:0,1,16
                tpm2_pcrextend 16:sha256=0000000000000000000000000000000000000000000000000000000000000000
                tpm2_pcrevent 16 /etc/hostname; tpm2_getcap handles-persistent; tpm2_selftest; tpm2_gettestresult
                tpm2_readclock; tpm2_hash -g sha256 /etc/hostname -o h.bin -t t.bin""");
        SCENARIOS.put("keys", """
                tpm2_createprimary -C o -G ecc -c p.ctx; tpm2_create -C p.ctx -G ecc -u k.pub -r k.priv
                tpm2_load -C p.ctx -u k.pub -r k.priv -c k.ctx; tpm2_sign -c k.ctx -g sha256 -o s.sig /etc/hostname
                tpm2_verifysignature -c k.ctx -g sha256 -m /etc/hostname -s s.sig; tpm2_readpublic -c k.ctx
                tpm2_evictcontrol -C o -c p.ctx 0x81000010; tpm2_evictcontrol -C o -c 0x81000010""");
        SCENARIOS.put("nv", """
                tpm2_nvdefine 0x1500016 -C o -s 32 -a "ownerread|ownerwrite|authread|authwrite"
                head -c 32 /dev/zero > d; tpm2_nvwrite -C o -i d 0x1500016; tpm2_nvread -C o -s 32 0x1500016
                tpm2_nvdefine 0x1500017 -C o -s 8 -a "ownerread|ownerwrite|nt=counter"; tpm2_nvincrement -C o 0x1500017
                tpm2_nvread -C o 0x1500017; tpm2_nvreadpublic; tpm2_nvundefine -C o 0x1500016""");
        SCENARIOS.put("policy", """
                tpm2_startauthsession -S s.ctx; tpm2_policypcr -S s.ctx -l sha256:0,1; tpm2_policycommandcode -S s.ctx TPM2_CC_Unseal
                tpm2_policygetdigest -S s.ctx -o d.bin; tpm2_flushcontext s.ctx
                tpm2_startauthsession --policy-session -S s2.ctx; tpm2_policyauthvalue -S s2.ctx; tpm2_flushcontext s2.ctx
                tpm2_startauthsession --hmac-session -S h.ctx; tpm2_getrandom 8 -S h.ctx --hex; tpm2_flushcontext h.ctx""");
        SCENARIOS.put("seal", """
                tpm2_createprimary -C o -c p.ctx; echo secret > sec; tpm2_create -C p.ctx -i sec -u s.pub -r s.priv -p pw
                tpm2_load -C p.ctx -u s.pub -r s.priv -c s.ctx; tpm2_unseal -c s.ctx -p pw; tpm2_unseal -c s.ctx -p wrong""");
        SCENARIOS.put("hierarchy", """
                tpm2_changeauth -c owner newpass; tpm2_changeauth -c owner -p newpass; tpm2_dictionarylockout -s -n 5 -t 6 -l 7
                tpm2_dictionarylockout -c; tpm2_createprimary -C o -G keyedhash -c h.ctx; tpm2_hmac -c h.ctx /etc/hostname
                tpm2_clear -c p""");
        SCENARIOS.put("rsa", """
                tpm2_createprimary -C o -G rsa2048 -c p.ctx; tpm2_create -C p.ctx -G rsa2048:oaep -u r.pub -r r.priv
                tpm2_load -C p.ctx -u r.pub -r r.priv -c r.ctx; echo msg > m; tpm2_rsaencrypt -c r.ctx -o c m
                tpm2_rsadecrypt -c r.ctx -o out c; tpm2_createek -c ek.ctx -G rsa -u ek.pub
                tpm2_createak -C ek.ctx -c ak.ctx -u ak.pub -n ak.name; tpm2_quote -c ak.ctx -l sha256:0 -q 0011 -m q.msg -s q.sig""");
    }

    @Test
    void writeSeedCorpora() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("jtpm.fuzz.seed"), "writes the seed corpora only when asked (-Djtpm.fuzz.seed=true)");
        engineSeeds();
        worldSeeds();
        stateSeeds();
        controlSeeds();
        mssimSeeds();
    }

    private static void write(String dir, String name, byte[] bytes) throws Exception {
        Path d = RESOURCES.resolve(dir);
        Files.createDirectories(d);
        Files.write(d.resolve("seed-" + name), bytes);
    }

    private void engineSeeds() throws Exception {
        int serverPort = CorpusCapture.freePortPair();
        try (TpmInstance server = TpmInstance.start(StateStore.inMemory(), new InstanceConfig(new ChannelSpec.Tcp("127.0.0.1",
                serverPort, false), new ChannelSpec.Tcp("127.0.0.1", serverPort + 1, false), new SwtpmFlags(true, SwtpmFlags.Startup.CLEAR, false), false,
                false, false, ServerLog.NONE))) {
            int port = server.dataPort();
            assertThat(server.ctrlPort()).isEqualTo(port + 1);
            try (CorpusCapture tap = new CorpusCapture(port)) {
                for (var s : SCENARIOS.entrySet()) {
                    Path work = Files.createTempDirectory("jtpm-corpus");
                    ProcessBuilder pb = new ProcessBuilder("bash", "-c", s.getValue().replace("\n", "; "))
                            .directory(work.toFile()).redirectErrorStream(true).redirectOutput(work.resolve("out").toFile());
                    pb.environment().put("TPM2TOOLS_TCTI", "swtpm:host=127.0.0.1,port=" + tap.port());
                    Process p = pb.start();
                    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
                    byte[] traffic = tap.takeData();
                    tap.takeCtrl();
                    System.out.printf("corpus: %s: %d octets%n", s.getKey(), traffic.length);
                    write("fuzz/EngineCommandsFuzzTestInputs/commands", "tpm2-tools-" + s.getKey(), traffic);
                    write("server/rm/ResourceManagerFuzzTestInputs/commands", "tpm2-tools-" + s.getKey(), traffic);
                }
            }
        }
    }

    /** Runs {@code c} on {@code tpm} (empty passwords for every authorized handle) and returns its response. */
    private static <R extends Record, C extends Record & TpmCommand<R>> R on(dev.jtpm.engine.Tpm tpm, C c) {
        return CommandBytes.decode(c, tpm.execute(CommandBytes.encode(c), 0)).orThrow();
    }

    /** One seed: the commands in sequence, each with empty password sessions. */
    private static void seed(String name, TpmCommand<?>... commands) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (TpmCommand<?> c : commands) b.write(encode(c));
        write("fuzz/EngineCommandsFuzzTestInputs/commands", "world-" + name, b.toByteArray());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static byte[] encode(TpmCommand<?> c) { return CommandBytes.encode((Record & TpmCommand) c); }

    /**
     * Seeds that name what the world holds ({@link EngineWorld}): its keys, NV indices and sessions, one chapter of
     * Part 3 after another, so mutations start inside the handlers rather than at the handle checks.
     */
    private void worldSeeds() throws Exception {
        var tpm = EngineWorld.fresh();
        int srk = EngineWorld.SRK, hmac = EngineWorld.HMAC_KEY, signer = EngineWorld.SIGNER, policy = EngineWorld.POLICY_SESSION;
        TpmlPcrSelection none = new TpmlPcrSelection(List.of());
        TpmlPcrSelection pcr0 = new TpmlPcrSelection(List.of(TpmsPcrSelection.of(TpmAlg.SHA256, 0, 1)));
        Bytes digest = Bytes.zeros(32);
        TpmtSigScheme ecdsa = TpmtSigScheme.of(TpmAlg.ECDSA, TpmAlg.SHA256);
        TpmtPublic sealed = TpmtPublic.of(TpmAlg.SHA256, TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
                TpmaObject.USER_WITH_AUTH), Bytes.EMPTY, new TpmsKeyedhashParms(TpmtKeyedhashScheme.NULL));
        TpmsSensitiveCreate secret = new TpmsSensitiveCreate(Secret.of("pw".getBytes()), Secret.of("data".getBytes()));
        CreateResponse blob = on(tpm, new Create(srk, secret, sealed, Bytes.EMPTY, none));
        var sig = on(tpm, new Sign(signer, digest, ecdsa, TpmtTkHashcheck.nullTicket())).signature();
        var ctx = on(tpm, new ContextSave(signer)).context();
        var point = on(tpm, new EcdhKeyGen(srk)).pubPoint();
        seed("create-load-unseal", new Create(srk, secret, sealed, Bytes.EMPTY, none), new Load(srk, blob.outPrivate(),
                blob.outPublic()), new Unseal(0x80000002));
        seed("createloaded", new CreateLoaded(srk, TpmsSensitiveCreate.EMPTY, sealed.marshal()));
        seed("sign-verify", new Sign(signer, digest, ecdsa, TpmtTkHashcheck.nullTicket()), new VerifySignature(signer, digest, sig));
        seed("hmac", new Hmac(hmac, Bytes.zeros(40), TpmAlg.SHA256));
        seed("hmac-sequence", new HmacStart(hmac, Secret.of(Bytes.EMPTY), TpmAlg.SHA256), new SequenceUpdate(0x80000002,
                Bytes.zeros(64)), new SequenceComplete(0x80000002, Bytes.zeros(8), TpmRh.OWNER));
        seed("context", new ContextSave(signer), new ContextLoad(ctx), new FlushContext(signer));
        seed("ecdh", new EcdhKeyGen(srk), new EcdhZGen(srk, point));
        seed("readpublic", new ReadPublic(srk), new ReadPublic(EngineWorld.PERSISTENT_SRK), new ReadPublic(signer));
        seed("attest", new Quote(signer, Bytes.zeros(8), ecdsa, pcr0), new Certify(srk, signer, Bytes.EMPTY, ecdsa),
                new GetTime(TpmRh.ENDORSEMENT, signer, Bytes.EMPTY, ecdsa));
        seed("objectchangeauth", new ObjectChangeAuth(signer, srk, Secret.of("new".getBytes())));
        seed("nv", new NvWrite(EngineWorld.NV_ORDINARY, EngineWorld.NV_ORDINARY, Bytes.zeros(16), 8),
                new NvRead(EngineWorld.NV_ORDINARY, EngineWorld.NV_ORDINARY, 32, 0), new NvIncrement(TpmRh.OWNER, EngineWorld.NV_COUNTER),
                new NvSetBits(TpmRh.OWNER, EngineWorld.NV_BITS, 5L), new NvExtend(TpmRh.OWNER, EngineWorld.NV_EXTEND, Bytes.zeros(4)),
                new NvIncrement(TpmRh.OWNER, EngineWorld.NV_ORDERLY), new NvReadPublic(EngineWorld.NV_COUNTER));
        seed("nv-locks", new NvWriteLock(TpmRh.OWNER, EngineWorld.NV_ORDINARY), new NvReadLock(TpmRh.OWNER, EngineWorld.NV_ORDINARY),
                new NvChangeAuth(EngineWorld.NV_ORDINARY, Secret.of("x".getBytes())),
                new NvUndefineSpace(TpmRh.OWNER, EngineWorld.NV_EXTEND));
        seed("policy", new PolicyPcr(policy, Bytes.EMPTY, pcr0), new PolicyCommandCode(policy, TpmCc.UNSEAL),
                new PolicyAuthValue(policy), new PolicyGetDigest(policy), new PolicyRestart(policy),
                new PolicyOr(policy, List.of(digest, Bytes.zeros(32))));
        seed("policy-nv-secret", new PolicyNv(TpmRh.OWNER, EngineWorld.NV_COUNTER, policy, Bytes.zeros(8), 0, 0),
                new PolicySecret(TpmRh.OWNER, policy, Bytes.EMPTY, Bytes.EMPTY, Bytes.EMPTY, 0));
        seed("hierarchy", new HierarchyChangeAuth(TpmRh.OWNER, Secret.of("o".getBytes())), new ClearControl(TpmRh.LOCKOUT, false),
                new HierarchyControl(TpmRh.PLATFORM, TpmRh.OWNER, false), new DictionaryAttackLockReset(TpmRh.LOCKOUT),
                new Clear(TpmRh.LOCKOUT), new ChangeEps(TpmRh.PLATFORM));
        seed("evict", new EvictControl(TpmRh.OWNER, EngineWorld.PERSISTENT_SRK, EngineWorld.PERSISTENT_SRK),
                new EvictControl(TpmRh.OWNER, srk, 0x81000003));
        seed("pcr-audit-clock", new PcrReset(16), new PcrSetAuthValue(20, Secret.of("p".getBytes())),
                new SetCommandCodeAuditStatus(TpmRh.OWNER, TpmAlg.SHA256, List.of(TpmCc.UNSEAL), List.of()),
                new ClockSet(TpmRh.OWNER, 1L << 40), new ReadClock());
        seed("shutdown-startup", new Shutdown(TpmSu.STATE), new Startup(TpmSu.STATE), new Shutdown(TpmSu.CLEAR),
                new Startup(TpmSu.CLEAR));
        seed("duplicate-credential", new Duplicate(signer, TpmRh.NULL, Bytes.EMPTY, TpmtSymDefObject.NULL),
                new MakeCredential(srk, Bytes.zeros(16), Bytes.zeros(34)));
    }

    private void stateSeeds() throws Exception {
        byte[] perm = EngineWorld.permanentBlob();
        byte[] vol = EngineWorld.volatileBlob();
        write("fuzz/StateLoadersFuzzTestInputs/permanentBlob", "world", perm);
        write("fuzz/StateLoadersFuzzTestInputs/volatileBlob", "world", vol);
        StateKey k128 = StateKey.of(new byte[16]), k256 = StateKey.of(new byte[32]);
        Optional<StateKey>[] keys = new Optional[] {Optional.empty(), Optional.of(k128), Optional.of(k256),
                Optional.of(k256.withGcm(true))};
        for (int i = 0; i < keys.length; i++) {
            byte[] file = StateBlob.encodeFile(perm, keys[i]);
            byte[] in = new byte[file.length + 1];
            in[0] = (byte) i;
            System.arraycopy(file, 0, in, 1, file.length);
            write("fuzz/StateLoadersFuzzTestInputs/stateFile", "key" + i, in);
        }
        byte[] plain = StateBlob.encodeMigration(vol, Optional.empty(), Optional.empty(), true);
        write("fuzz/StateLoadersFuzzTestInputs/migrationBlob", "plain", prefix((byte) 0, plain));
        byte[] keyed = StateBlob.encodeMigration(vol, Optional.of(k128), Optional.of(k256), false);
        write("fuzz/StateLoadersFuzzTestInputs/migrationBlob", "keyed", prefix((byte) (1 | 2 << 3), keyed));
        byte[] swtpm = Files.readAllBytes(Path.of("../jtpm-libtpms/src/test/resources/dev/jtpm/libtpms/setup-ek.permall"));
        write("fuzz/LibtpmsStateFuzzTestInputs/permall", "swtpm-setup-ek", StateBlob.decodeFile(swtpm, Optional.empty()));
    }

    private static byte[] prefix(byte b, byte[] rest) {
        byte[] r = new byte[rest.length + 1];
        r[0] = b;
        System.arraycopy(rest, 0, r, 1, rest.length);
        return r;
    }

    private void controlSeeds() throws Exception {
        byte[] perm = StateBlob.encodeMigration(EngineWorld.permanentBlob(), Optional.empty(), Optional.empty(), true);
        ByteArrayOutputStream qemu = new ByteArrayOutputStream();
        qemu.write(0xff);   // whole requests per read
        for (CtrlRequest r : new CtrlRequest[] {new CtrlRequest.GetCapability(), new CtrlRequest.GetInfo(3, 0),
                new CtrlRequest.SetLocality(0), new CtrlRequest.GetTpmEstablished(), new CtrlRequest.SetBufferSize(4096),
                new CtrlRequest.GetStateBlob(0, Ptm.BLOB_TYPE_PERMANENT, 0), new CtrlRequest.GetStateBlob(0, Ptm.BLOB_TYPE_VOLATILE, 0),
                new CtrlRequest.StoreVolatile(), new CtrlRequest.Stop(), new CtrlRequest.SetStateBlob(0, Ptm.BLOB_TYPE_PERMANENT, perm),
                new CtrlRequest.Init(Ptm.INIT_FLAG_DELETE_VOLATILE), new CtrlRequest.HashStart(), new CtrlRequest.HashData(new byte[] {1, 2}),
                new CtrlRequest.HashEnd(), new CtrlRequest.ResetTpmEstablished(3), new CtrlRequest.LockStorage(0),
                new CtrlRequest.GetConfig(), new CtrlRequest.CancelTpmCmd(), new CtrlRequest.Shutdown()}) {
            qemu.write(r.encode());
        }
        write("server/ControlChannelFuzzTestInputs/requests", "qemu-migration", qemu.toByteArray());
        byte[] fragmented = qemu.toByteArray().clone();
        fragmented[0] = 2;
        write("server/ControlChannelFuzzTestInputs/requests", "fragmented", fragmented);
    }

    private void mssimSeeds() throws Exception {
        ByteArrayOutputStream tpm = new ByteArrayOutputStream();
        tpm.write(0);
        tpm.write(0xff);
        tpm.write(BigEndian.of32(MssimCommand.REMOTE_HANDSHAKE.code()));
        tpm.write(BigEndian.of32(1));
        byte[] getRandom = {(byte) 0x80, 1, 0, 0, 0, 12, 0, 0, 1, 0x7b, 0, 8};
        tpm.write(SendCommandEnvelope.wrapCommand(0, getRandom));
        tpm.write(BigEndian.of32(MssimCommand.SIGNAL_HASH_START.code()));
        tpm.write(BigEndian.of32(MssimCommand.SIGNAL_HASH_DATA.code()));
        tpm.write(BigEndian.of32(3));
        tpm.write(new byte[] {1, 2, 3});
        tpm.write(BigEndian.of32(MssimCommand.SIGNAL_HASH_END.code()));
        tpm.write(BigEndian.of32(MssimCommand.SET_ALTERNATIVE_RESULT.code()));
        tpm.write(BigEndian.of32(0));
        tpm.write(BigEndian.of32(MssimCommand.SESSION_END.code()));
        write("server/MssimFuzzTestInputs/stream", "tpm-port", tpm.toByteArray());
        ByteArrayOutputStream platform = new ByteArrayOutputStream();
        platform.write(1);
        platform.write(0xff);
        for (MssimCommand c : new MssimCommand[] {MssimCommand.SIGNAL_POWER_OFF, MssimCommand.SIGNAL_POWER_ON,
                MssimCommand.SIGNAL_NV_ON, MssimCommand.SIGNAL_RESET, MssimCommand.SIGNAL_CANCEL_ON, MssimCommand.SIGNAL_CANCEL_OFF,
                MssimCommand.GET_COMMAND_RESPONSE_SIZES, MssimCommand.SIGNAL_RESTART, MssimCommand.SIGNAL_PHYS_PRES_ON,
                MssimCommand.TEST_FAILURE_MODE, MssimCommand.SESSION_END}) {
            platform.write(BigEndian.of32(c.code()));
        }
        platform.write(BigEndian.of32(MssimCommand.ACT_GET_SIGNALED.code()));
        platform.write(BigEndian.of32(0));
        write("server/MssimFuzzTestInputs/stream", "platform-port", platform.toByteArray());
    }
}
