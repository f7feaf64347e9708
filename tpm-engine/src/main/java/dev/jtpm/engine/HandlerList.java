package dev.jtpm.engine;

import dev.jtpm.engine.command.clock.ClockRateAdjustHandler;
import dev.jtpm.engine.command.clock.ClockSetHandler;
import dev.jtpm.engine.command.clock.ReadClockHandler;
import dev.jtpm.engine.command.random.GetRandomHandler;
import dev.jtpm.engine.command.random.StirRandomHandler;
import dev.jtpm.engine.command.startup.ShutdownHandler;
import dev.jtpm.engine.command.startup.StartupHandler;
import dev.jtpm.types.command.ClockRateAdjust;
import dev.jtpm.types.command.ClockSet;
import dev.jtpm.types.command.GetRandom;
import dev.jtpm.types.command.ReadClock;
import dev.jtpm.types.command.Shutdown;
import dev.jtpm.types.command.Startup;
import dev.jtpm.types.command.StirRandom;

/** The explicit list of implemented commands, by Part 3 chapter. */
final class HandlerList {
    private HandlerList() {}

    static void register(Handlers.Registration r) {
        // Start-up (Part 3, 9)
        r.add(Startup.class, new StartupHandler());
        r.add(Shutdown.class, new ShutdownHandler());
        // Testing (Part 3, 10)
        // [testing]
        r.add(dev.jtpm.types.command.SelfTest.class, new dev.jtpm.engine.command.testing.SelfTestHandler());
        r.add(dev.jtpm.types.command.IncrementalSelfTest.class,
                new dev.jtpm.engine.command.testing.IncrementalSelfTestHandler());
        r.add(dev.jtpm.types.command.GetTestResult.class, new dev.jtpm.engine.command.testing.GetTestResultHandler());
        // Session commands (Part 3, 11)
        r.add(dev.jtpm.types.command.StartAuthSession.class,
                new dev.jtpm.engine.command.session.StartAuthSessionHandler());
        // Enhanced authorization (Part 3, 23), and TPM2_PolicyRestart (Part 3, 11.2)
        r.add(dev.jtpm.types.command.PolicyRestart.class, new dev.jtpm.engine.command.policy.PolicyRestartHandler());
        r.add(dev.jtpm.types.command.PolicyOr.class, new dev.jtpm.engine.command.policy.PolicyOrHandler());
        r.add(dev.jtpm.types.command.PolicyPcr.class, new dev.jtpm.engine.command.policy.PolicyPcrHandler());
        r.add(dev.jtpm.types.command.PolicyLocality.class, new dev.jtpm.engine.command.policy.PolicyLocalityHandler());
        r.add(dev.jtpm.types.command.PolicyCounterTimer.class, new dev.jtpm.engine.command.policy.PolicyCounterTimerHandler());
        r.add(dev.jtpm.types.command.PolicyCommandCode.class,
                new dev.jtpm.engine.command.policy.PolicyCommandCodeHandler(cc -> TpmCore.HANDLERS.table().get(cc) != null));
        r.add(dev.jtpm.types.command.PolicyPhysicalPresence.class,
                new dev.jtpm.engine.command.policy.PolicyPhysicalPresenceHandler());
        r.add(dev.jtpm.types.command.PolicyCpHash.class, new dev.jtpm.engine.command.policy.PolicyCpHashHandler());
        r.add(dev.jtpm.types.command.PolicyNameHash.class, new dev.jtpm.engine.command.policy.PolicyNameHashHandler());
        r.add(dev.jtpm.types.command.PolicyDuplicationSelect.class,
                new dev.jtpm.engine.command.policy.PolicyDuplicationSelectHandler());
        r.add(dev.jtpm.types.command.PolicyAuthValue.class, new dev.jtpm.engine.command.policy.PolicyAuthValueHandler());
        r.add(dev.jtpm.types.command.PolicyPassword.class, new dev.jtpm.engine.command.policy.PolicyPasswordHandler());
        r.add(dev.jtpm.types.command.PolicyGetDigest.class, new dev.jtpm.engine.command.policy.PolicyGetDigestHandler());
        r.add(dev.jtpm.types.command.PolicyNvWritten.class, new dev.jtpm.engine.command.policy.PolicyNvWrittenHandler());
        r.add(dev.jtpm.types.command.PolicyTemplate.class, new dev.jtpm.engine.command.policy.PolicyTemplateHandler());
        // Random number generator (Part 3, 16)
        r.add(GetRandom.class, new GetRandomHandler());
        r.add(StirRandom.class, new StirRandomHandler());
        // Hash/HMAC/Event sequences (Part 3, 15.4 and 17)
        // [hash]
        r.add(dev.jtpm.types.command.Hash.class, new dev.jtpm.engine.command.hash.HashHandler());
        r.add(dev.jtpm.types.command.HashSequenceStart.class, new dev.jtpm.engine.command.hash.HashSequenceStartHandler());
        r.add(dev.jtpm.types.command.SequenceUpdate.class, new dev.jtpm.engine.command.hash.SequenceUpdateHandler());
        r.add(dev.jtpm.types.command.SequenceComplete.class, new dev.jtpm.engine.command.hash.SequenceCompleteHandler());
        r.add(dev.jtpm.types.command.EventSequenceComplete.class,
                new dev.jtpm.engine.command.hash.EventSequenceCompleteHandler());
        // Signing and signature verification (Part 3, 20), TPM2_HMAC (15.5) and TPM2_HMAC_Start (17.2)
        // [signature]
        r.add(dev.jtpm.types.command.Sign.class, new dev.jtpm.engine.command.signature.SignHandler());
        r.add(dev.jtpm.types.command.VerifySignature.class, new dev.jtpm.engine.command.signature.VerifySignatureHandler());
        r.add(dev.jtpm.types.command.Hmac.class, new dev.jtpm.engine.command.symmetric.HmacHandler());
        r.add(dev.jtpm.types.command.HmacStart.class, new dev.jtpm.engine.command.hash.HmacStartHandler());
        // Attestation commands (Part 3, 18)
        // [attestation]
        r.add(dev.jtpm.types.command.Certify.class, new dev.jtpm.engine.command.attestation.CertifyHandler());
        r.add(dev.jtpm.types.command.CertifyCreation.class,
                new dev.jtpm.engine.command.attestation.CertifyCreationHandler());
        r.add(dev.jtpm.types.command.Quote.class, new dev.jtpm.engine.command.attestation.QuoteHandler());
        r.add(dev.jtpm.types.command.GetSessionAuditDigest.class,
                new dev.jtpm.engine.command.attestation.GetSessionAuditDigestHandler());
        r.add(dev.jtpm.types.command.GetCommandAuditDigest.class,
                new dev.jtpm.engine.command.attestation.GetCommandAuditDigestHandler());
        r.add(dev.jtpm.types.command.GetTime.class, new dev.jtpm.engine.command.attestation.GetTimeHandler());
        r.add(dev.jtpm.types.command.CertifyX509.class, new dev.jtpm.engine.command.attestation.CertifyX509Handler());
        // Command audit (Part 3, 21)
        // [audit]
        r.add(dev.jtpm.types.command.SetCommandCodeAuditStatus.class,
                new dev.jtpm.engine.command.audit.SetCommandCodeAuditStatusHandler(() -> TpmCore.HANDLERS.table()));
        // Integrity collection: PCR (Part 3, 22)
        // [pcr]
        r.add(dev.jtpm.types.command.PcrExtend.class, new dev.jtpm.engine.command.pcr.PcrExtendHandler());
        r.add(dev.jtpm.types.command.PcrEvent.class, new dev.jtpm.engine.command.pcr.PcrEventHandler());
        r.add(dev.jtpm.types.command.PcrRead.class, new dev.jtpm.engine.command.pcr.PcrReadHandler());
        r.add(dev.jtpm.types.command.PcrAllocate.class, new dev.jtpm.engine.command.pcr.PcrAllocateHandler());
        r.add(dev.jtpm.types.command.PcrReset.class, new dev.jtpm.engine.command.pcr.PcrResetHandler());
        r.add(dev.jtpm.types.command.PcrSetAuthPolicy.class, new dev.jtpm.engine.command.pcr.PcrSetAuthPolicyHandler());
        r.add(dev.jtpm.types.command.PcrSetAuthValue.class, new dev.jtpm.engine.command.pcr.PcrSetAuthValueHandler());
        // Enhanced authorization (Part 3, 23)
        r.add(dev.jtpm.types.command.PolicySigned.class, new dev.jtpm.engine.command.policy.PolicySignedHandler());
        r.add(dev.jtpm.types.command.PolicySecret.class, new dev.jtpm.engine.command.policy.PolicySecretHandler());
        r.add(dev.jtpm.types.command.PolicyTicket.class, new dev.jtpm.engine.command.policy.PolicyTicketHandler());
        r.add(dev.jtpm.types.command.PolicyAuthorize.class, new dev.jtpm.engine.command.policy.PolicyAuthorizeHandler());
        // Object commands (Part 3, 12) and TPM2_CreatePrimary (Part 3, 24.1)
        // [object]
        r.add(dev.jtpm.types.command.Create.class, new dev.jtpm.engine.command.object.CreateHandler());
        r.add(dev.jtpm.types.command.Load.class, new dev.jtpm.engine.command.object.LoadHandler());
        r.add(dev.jtpm.types.command.LoadExternal.class, new dev.jtpm.engine.command.object.LoadExternalHandler());
        r.add(dev.jtpm.types.command.ReadPublic.class, new dev.jtpm.engine.command.object.ReadPublicHandler());
        r.add(dev.jtpm.types.command.Unseal.class, new dev.jtpm.engine.command.object.UnsealHandler());
        r.add(dev.jtpm.types.command.ObjectChangeAuth.class, new dev.jtpm.engine.command.object.ObjectChangeAuthHandler());
        r.add(dev.jtpm.types.command.CreateLoaded.class, new dev.jtpm.engine.command.object.CreateLoadedHandler());
        r.add(dev.jtpm.types.command.CreatePrimary.class, new dev.jtpm.engine.command.object.CreatePrimaryHandler());
        r.add(dev.jtpm.types.command.MakeCredential.class, new dev.jtpm.engine.command.object.MakeCredentialHandler());
        r.add(dev.jtpm.types.command.ActivateCredential.class,
                new dev.jtpm.engine.command.object.ActivateCredentialHandler());
        // Duplication commands (Part 3, 13)
        // [duplication]
        r.add(dev.jtpm.types.command.Duplicate.class, new dev.jtpm.engine.command.duplication.DuplicateHandler());
        r.add(dev.jtpm.types.command.Import.class, new dev.jtpm.engine.command.duplication.ImportHandler());
        r.add(dev.jtpm.types.command.Rewrap.class, new dev.jtpm.engine.command.duplication.RewrapHandler());
        // Asymmetric primitives (Part 3, 14)
        // [asymmetric]
        r.add(dev.jtpm.types.command.RsaEncrypt.class, new dev.jtpm.engine.command.asymmetric.RsaEncryptHandler());
        r.add(dev.jtpm.types.command.RsaDecrypt.class, new dev.jtpm.engine.command.asymmetric.RsaDecryptHandler());
        r.add(dev.jtpm.types.command.EcdhKeyGen.class, new dev.jtpm.engine.command.asymmetric.EcdhKeyGenHandler());
        r.add(dev.jtpm.types.command.EcdhZGen.class, new dev.jtpm.engine.command.asymmetric.EcdhZGenHandler());
        r.add(dev.jtpm.types.command.EccParameters.class, new dev.jtpm.engine.command.asymmetric.EccParametersHandler());
        r.add(dev.jtpm.types.command.ZGen2Phase.class, new dev.jtpm.engine.command.asymmetric.ZGen2PhaseHandler());
        // Ephemeral EC keys (Part 3, 19): TPM2_Commit (ECDAA) and TPM2_EC_Ephemeral (two-phase key exchange)
        r.add(dev.jtpm.types.command.Commit.class, new dev.jtpm.engine.command.ephemeral.CommitHandler());
        r.add(dev.jtpm.types.command.EcEphemeral.class, new dev.jtpm.engine.command.ephemeral.EcEphemeralHandler());
        // Symmetric primitives (Part 3, 15)
        // [symmetric]
        r.add(dev.jtpm.types.command.EncryptDecrypt.class, new dev.jtpm.engine.command.symmetric.EncryptDecryptHandler());
        r.add(dev.jtpm.types.command.EncryptDecrypt2.class, new dev.jtpm.engine.command.symmetric.EncryptDecrypt2Handler());
        // Hierarchy commands (Part 3, 24)
        // [hierarchy]
        r.add(dev.jtpm.types.command.HierarchyChangeAuth.class,
                new dev.jtpm.engine.command.hierarchy.HierarchyChangeAuthHandler());
        r.add(dev.jtpm.types.command.HierarchyControl.class, new dev.jtpm.engine.command.hierarchy.HierarchyControlHandler());
        r.add(dev.jtpm.types.command.SetPrimaryPolicy.class, new dev.jtpm.engine.command.hierarchy.SetPrimaryPolicyHandler());
        r.add(dev.jtpm.types.command.Clear.class, new dev.jtpm.engine.command.hierarchy.ClearHandler());
        r.add(dev.jtpm.types.command.ClearControl.class, new dev.jtpm.engine.command.hierarchy.ClearControlHandler());
        r.add(dev.jtpm.types.command.ChangeEps.class, new dev.jtpm.engine.command.hierarchy.ChangeEpsHandler());
        r.add(dev.jtpm.types.command.ChangePps.class, new dev.jtpm.engine.command.hierarchy.ChangePpsHandler());
        // Dictionary attack functions (Part 3, 25)
        r.add(dev.jtpm.types.command.DictionaryAttackLockReset.class,
                new dev.jtpm.engine.command.dictionaryattack.DictionaryAttackLockResetHandler());
        r.add(dev.jtpm.types.command.DictionaryAttackParameters.class,
                new dev.jtpm.engine.command.dictionaryattack.DictionaryAttackParametersHandler());
        // Miscellaneous management functions (Part 3, 26)
        // [misc]
        r.add(dev.jtpm.types.command.PpCommands.class,
                new dev.jtpm.engine.command.misc.PpCommandsHandler(() -> TpmCore.HANDLERS.table()));
        r.add(dev.jtpm.types.command.SetAlgorithmSet.class, new dev.jtpm.engine.command.misc.SetAlgorithmSetHandler());
        // Context management (Part 3, 28)
        r.add(dev.jtpm.types.command.FlushContext.class, new dev.jtpm.engine.command.context.FlushContextHandler());
        r.add(dev.jtpm.types.command.ContextSave.class, new dev.jtpm.engine.command.context.ContextSaveHandler());
        r.add(dev.jtpm.types.command.ContextLoad.class, new dev.jtpm.engine.command.context.ContextLoadHandler());
        r.add(dev.jtpm.types.command.EvictControl.class, new dev.jtpm.engine.command.context.EvictControlHandler());
        // Clocks and timers (Part 3, 29)
        r.add(ReadClock.class, new ReadClockHandler());
        r.add(ClockSet.class, new ClockSetHandler());
        r.add(ClockRateAdjust.class, new ClockRateAdjustHandler());
        // Non-volatile storage (Part 3, 31), TPM2_PolicyNV (23.9) and TPM2_PolicyAuthorizeNV (23.22)
        // [nv]
        r.add(dev.jtpm.types.command.NvDefineSpace.class, new dev.jtpm.engine.command.nv.NvDefineSpaceHandler());
        r.add(dev.jtpm.types.command.NvUndefineSpace.class, new dev.jtpm.engine.command.nv.NvUndefineSpaceHandler());
        r.add(dev.jtpm.types.command.NvUndefineSpaceSpecial.class,
                new dev.jtpm.engine.command.nv.NvUndefineSpaceSpecialHandler());
        r.add(dev.jtpm.types.command.NvReadPublic.class, new dev.jtpm.engine.command.nv.NvReadPublicHandler());
        r.add(dev.jtpm.types.command.NvWrite.class, new dev.jtpm.engine.command.nv.NvWriteHandler());
        r.add(dev.jtpm.types.command.NvIncrement.class, new dev.jtpm.engine.command.nv.NvIncrementHandler());
        r.add(dev.jtpm.types.command.NvExtend.class, new dev.jtpm.engine.command.nv.NvExtendHandler());
        r.add(dev.jtpm.types.command.NvSetBits.class, new dev.jtpm.engine.command.nv.NvSetBitsHandler());
        r.add(dev.jtpm.types.command.NvWriteLock.class, new dev.jtpm.engine.command.nv.NvWriteLockHandler());
        r.add(dev.jtpm.types.command.NvGlobalWriteLock.class, new dev.jtpm.engine.command.nv.NvGlobalWriteLockHandler());
        r.add(dev.jtpm.types.command.NvRead.class, new dev.jtpm.engine.command.nv.NvReadHandler());
        r.add(dev.jtpm.types.command.NvReadLock.class, new dev.jtpm.engine.command.nv.NvReadLockHandler());
        r.add(dev.jtpm.types.command.NvChangeAuth.class, new dev.jtpm.engine.command.nv.NvChangeAuthHandler());
        r.add(dev.jtpm.types.command.NvCertify.class, new dev.jtpm.engine.command.nv.NvCertifyHandler());
        r.add(dev.jtpm.types.command.PolicyNv.class, new dev.jtpm.engine.command.policy.PolicyNvHandler());
        r.add(dev.jtpm.types.command.PolicyAuthorizeNv.class, new dev.jtpm.engine.command.policy.PolicyAuthorizeNvHandler());
        // Capability commands (Part 3, 30) and TestParms
        // [capability]
        r.add(dev.jtpm.types.command.GetCapability.class,
                new dev.jtpm.engine.command.capability.GetCapabilityHandler(() -> TpmCore.HANDLERS.table()));
        r.add(dev.jtpm.types.command.TestParms.class, new dev.jtpm.engine.command.capability.TestParmsHandler());
    }
}
