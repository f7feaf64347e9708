package dev.jtpm.provision;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmDevice;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.CreatePrimary;
import dev.jtpm.types.command.EvictControl;
import dev.jtpm.types.command.FlushContext;
import dev.jtpm.types.command.ReadPublic;
import dev.jtpm.types.command.TpmCommand;
import dev.jtpm.types.structure.Templates;
import dev.jtpm.types.structure.TpmaObject;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsEccParms;
import dev.jtpm.types.structure.TpmsEccPoint;
import dev.jtpm.types.structure.TpmsPcrSelection;
import dev.jtpm.types.structure.TpmsRsaParms;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.TpmtEccScheme;
import dev.jtpm.types.structure.TpmtKdfScheme;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmtRsaScheme;
import dev.jtpm.types.structure.TpmtSymDefObject;
import dev.jtpm.types.structure.TpmuPublicId;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code jtpm setup --profile eve}: the keys EVE's pillar tpmmgr ({@code createOtherKeys}) puts in the device TPM, at
 * its handles, with its templates: each a primary under the <em>owner</em> hierarchy (the "EK" too, as EVE really
 * does it), empty auth, creation PCR selection sha256:{7}, then EvictControl to the handle. Idempotent as tpmmgr with
 * overwrite=false: a key at its handle whose attributes match the template is kept; anything else there is evicted
 * and the key made again.
 */
public final class EveProfile {

    /** One EVE key: handle, tpmmgr's name for it, template. */
    public record Key(int handle, String name, TpmtPublic template) {}

    /** PolicySecret(TPM_RH_ENDORSEMENT): the TCG EK template's policy, which EVE's EK carries. */
    static final Bytes EK_POLICY = Templates.POLICY_A_SHA256;

    /** EVE's keys, in tpmmgr's order (the device key 0x817FFFFF needs the device's credential and is not made). */
    public static final List<Key> KEYS = List.of(
            new Key(0x81000001, "EK", TpmtPublic.of(TpmAlg.SHA256, new TpmaObject(0x000300B2), EK_POLICY,
                    new TpmsRsaParms(TpmtSymDefObject.aes(128, TpmAlg.CFB), TpmtRsaScheme.NULL, 2048, 0),
                    new TpmuPublicId.Rsa(Bytes.zeros(256)))),
            new Key(0x81000002, "SRK", TpmtPublic.of(TpmAlg.SHA256, new TpmaObject(0x00030472), Bytes.EMPTY,
                    new TpmsRsaParms(TpmtSymDefObject.aes(128, TpmAlg.CFB), TpmtRsaScheme.NULL, 2048, 0),
                    new TpmuPublicId.Rsa(Bytes.zeros(256)))),
            new Key(0x81000003, "AIK", TpmtPublic.of(TpmAlg.SHA256, new TpmaObject(0x00050472), Bytes.EMPTY,
                    new TpmsRsaParms(TpmtSymDefObject.NULL, TpmtRsaScheme.of(TpmAlg.RSASSA, TpmAlg.SHA256), 2048, 0),
                    new TpmuPublicId.Rsa(Bytes.zeros(256)))),
            new Key(0x81000004, "quote key", TpmtPublic.of(TpmAlg.SHA256, new TpmaObject(0x00050472), Bytes.EMPTY,
                    new TpmsEccParms(TpmtSymDefObject.NULL, TpmtEccScheme.of(TpmAlg.ECDSA, TpmAlg.SHA256), Templates.NIST_P256,
                            TpmtKdfScheme.NULL),
                    TpmsEccPoint.zeros(32))),
            new Key(0x81000005, "ECDH key", TpmtPublic.of(TpmAlg.SHA256, new TpmaObject(0x00060460), Bytes.EMPTY,
                    new TpmsEccParms(TpmtSymDefObject.NULL, TpmtEccScheme.NULL, Templates.NIST_P256, TpmtKdfScheme.NULL),
                    TpmsEccPoint.zeros(32))));

    private final TpmDevice tpm;
    private final Consumer<String> log;

    /** Works on a started TPM; {@code log} gets one line per key. */
    public EveProfile(TpmDevice tpm, Consumer<String> log) {
        this.tpm = tpm;
        this.log = log;
    }

    /** Makes the keys that are missing or differ; returns how many were made. */
    public int apply() throws IOException {
        int made = 0;
        for (Key k : KEYS) {
            byte[] resp = tpm.execute(CommandBytes.encode(new ReadPublic(k.handle())), 0);
            var existing = CommandBytes.decode(new ReadPublic(k.handle()), resp);
            if (existing.ok()) {
                if (existing.response().outPublic().objectAttributes().equals(k.template().objectAttributes())
                        && existing.response().outPublic().type() == k.template().type()) {
                    log.accept("EVE " + k.name() + " at 0x" + Integer.toHexString(k.handle()) + " kept.");
                    continue;
                }
                call(new EvictControl(TpmRh.OWNER, k.handle(), k.handle()), "TPM2_EvictControl (old " + k.name() + ")");
            }
            var created = call(new CreatePrimary(TpmRh.OWNER, TpmsSensitiveCreate.EMPTY, k.template(), Bytes.EMPTY,
                    new TpmlPcrSelection(List.of(new TpmsPcrSelection(TpmAlg.SHA256, Bytes.of((byte) 0x80, (byte) 0, (byte) 0))))),
                    "TPM2_CreatePrimary (" + k.name() + ")");
            try {
                call(new EvictControl(TpmRh.OWNER, created.objectHandle(), k.handle()), "TPM2_EvictControl (" + k.name() + ")");
            } finally {
                call(new FlushContext(created.objectHandle()), "TPM2_FlushContext");
            }
            log.accept("Successfully created EVE " + k.name() + " with handle 0x" + Integer.toHexString(k.handle()) + ".");
            made++;
        }
        return made;
    }

    private <R extends Record, C extends Record & TpmCommand<R>> R call(C command, String what) throws IOException {
        CommandBytes.Result<R> r = CommandBytes.decode(command, tpm.execute(CommandBytes.encode(command), 0));
        if (!r.ok()) throw new Manufacture.TpmCommandException(what + " failed: TPM_RC 0x" + String.format("%03x", r.rc().value()));
        return r.response();
    }
}
