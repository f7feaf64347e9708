package dev.jtpm.server.rm;

import dev.jtpm.types.command.*;

/**
 * The command table the resource manager rewrites by: handle counts and response handles of every command record in
 * tpm-types (the same records the engine dispatches on). A command code outside it is answered TPM_RC_COMMAND_CODE by
 * the RM, as the kernel's tpmrm refuses commands whose TPMA_CC it does not know: without the handle count it could not
 * tell a virtual handle from a parameter.
 */
final class RmCommands {
    /** The table. */
    static final CommandTable TABLE = new CommandTable(
            ActivateCredential.class, Certify.class, CertifyCreation.class, CertifyX509.class, ChangeEps.class,
            ChangePps.class, Clear.class, ClearControl.class, ClockRateAdjust.class, ClockSet.class,
            Commit.class, ContextLoad.class, ContextSave.class, Create.class, CreateLoaded.class,
            CreatePrimary.class, DictionaryAttackLockReset.class, DictionaryAttackParameters.class,
            Duplicate.class, EcEphemeral.class, EccParameters.class, EcdhKeyGen.class, EcdhZGen.class,
            EncryptDecrypt.class, EncryptDecrypt2.class, EventSequenceComplete.class, EvictControl.class,
            FlushContext.class, GetCapability.class, GetCommandAuditDigest.class, GetRandom.class,
            GetSessionAuditDigest.class, GetTestResult.class, GetTime.class, Hash.class,
            HashSequenceStart.class, HierarchyChangeAuth.class, HierarchyControl.class, Hmac.class,
            HmacStart.class, Import.class, IncrementalSelfTest.class, Load.class, LoadExternal.class,
            MakeCredential.class, NvCertify.class, NvChangeAuth.class, NvDefineSpace.class, NvExtend.class,
            NvGlobalWriteLock.class, NvIncrement.class, NvRead.class, NvReadLock.class, NvReadPublic.class,
            NvSetBits.class, NvUndefineSpace.class, NvUndefineSpaceSpecial.class, NvWrite.class,
            NvWriteLock.class, ObjectChangeAuth.class, PcrAllocate.class, PcrEvent.class, PcrExtend.class,
            PcrRead.class, PcrReset.class, PcrSetAuthPolicy.class, PcrSetAuthValue.class,
            PolicyAuthValue.class, PolicyAuthorize.class, PolicyAuthorizeNv.class, PolicyCommandCode.class,
            PolicyCounterTimer.class, PolicyCpHash.class, PolicyDuplicationSelect.class, PolicyGetDigest.class,
            PolicyLocality.class, PolicyNameHash.class, PolicyNv.class, PolicyNvWritten.class, PolicyOr.class,
            PolicyPassword.class, PolicyPcr.class, PolicyPhysicalPresence.class, PolicyRestart.class,
            PolicySecret.class, PolicySigned.class, PolicyTemplate.class, PolicyTicket.class, PpCommands.class,
            Quote.class, ReadClock.class, ReadPublic.class, Rewrap.class, RsaDecrypt.class, RsaEncrypt.class,
            SelfTest.class, SequenceComplete.class, SequenceUpdate.class, SetAlgorithmSet.class,
            SetCommandCodeAuditStatus.class, SetPrimaryPolicy.class, Shutdown.class, Sign.class,
            StartAuthSession.class, Startup.class, StirRandom.class, TestParms.class, Unseal.class,
            VerifySignature.class, ZGen2Phase.class);

    private RmCommands() {}
}
