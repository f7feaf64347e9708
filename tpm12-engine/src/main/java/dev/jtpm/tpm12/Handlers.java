package dev.jtpm.tpm12;

import java.util.HashMap;
import java.util.Map;

/** The one registration list: ordinal to handler. An ordinal missing here answers TPM_BAD_ORDINAL. */
final class Handlers {
    private Handlers() {}

    private static final Map<Integer, Tpm12Core.Handler> TABLE = build();

    private static Map<Integer, Tpm12Core.Handler> build() {
        Map<Integer, Tpm12Core.Handler> m = new HashMap<>();
        // admin startup and state, testing, random
        m.put(Ordinal.Startup, AdminCommands::startup);
        m.put(Ordinal.SaveState, AdminCommands::saveState);
        m.put(Ordinal.SelfTestFull, AdminCommands::selfTestFull);
        m.put(Ordinal.ContinueSelfTest, AdminCommands::continueSelfTest);
        m.put(Ordinal.GetTestResult, AdminCommands::getTestResult);
        m.put(Ordinal.GetRandom, AdminCommands::getRandom);
        m.put(Ordinal.StirRandom, AdminCommands::stirRandom);
        m.put(Ordinal.GetCapability, CapabilityCommands::getCapability);
        m.put(Ordinal.SHA1Start, HashCommands::sha1Start);
        m.put(Ordinal.SHA1Update, HashCommands::sha1Update);
        m.put(Ordinal.SHA1Complete, HashCommands::sha1Complete);
        m.put(Ordinal.SHA1CompleteExtend, HashCommands::sha1CompleteExtend);
        m.put(Ordinal.GetCapabilityOwner, OwnershipCommands::getCapabilityOwner);
        // integrity collection and reporting
        m.put(Ordinal.Extend, PcrCommands::extend);
        m.put(Ordinal.PcrRead, PcrCommands::pcrRead);
        m.put(Ordinal.PCR_Reset, PcrCommands::pcrReset);
        // sessions
        m.put(Ordinal.OIAP, SessionCommands::oiap);
        m.put(Ordinal.OSAP, SessionCommands::osap);
        m.put(Ordinal.Terminate_Handle, SessionCommands::terminateHandle);
        m.put(Ordinal.FlushSpecific, SessionCommands::flushSpecific);
        m.put(Ordinal.SaveContext, ContextCommands::saveContext);
        m.put(Ordinal.LoadContext, ContextCommands::loadContext);
        // opt-in, ownership, endorsement key
        m.put(Ordinal.TSC_PhysicalPresence, OwnershipCommands::tscPhysicalPresence);
        m.put(Ordinal.TSC_ResetEstablishmentBit, OwnershipCommands::tscResetEstablishmentBit);
        m.put(Ordinal.PhysicalEnable, OwnershipCommands::physicalEnable);
        m.put(Ordinal.PhysicalDisable, OwnershipCommands::physicalDisable);
        m.put(Ordinal.PhysicalSetDeactivated, OwnershipCommands::physicalSetDeactivated);
        m.put(Ordinal.SetOwnerInstall, OwnershipCommands::setOwnerInstall);
        m.put(Ordinal.OwnerSetDisable, OwnershipCommands::ownerSetDisable);
        m.put(Ordinal.SetOperatorAuth, OperatorCommands::setOperatorAuth);
        m.put(Ordinal.DirWriteAuth, DirCommands::dirWriteAuth);
        m.put(Ordinal.DirRead, DirCommands::dirRead);
        m.put(Ordinal.SetTempDeactivated, OperatorCommands::setTempDeactivated);
        m.put(Ordinal.ResetLockValue, OperatorCommands::resetLockValue);
        m.put(Ordinal.TakeOwnership, OwnershipCommands::takeOwnership);
        m.put(Ordinal.OwnerClear, OwnershipCommands::ownerClear);
        m.put(Ordinal.ForceClear, OwnershipCommands::forceClear);
        m.put(Ordinal.DisableOwnerClear, OwnershipCommands::disableOwnerClear);
        m.put(Ordinal.DisableForceClear, OwnershipCommands::disableForceClear);
        m.put(Ordinal.CreateEndorsementKeyPair, OwnershipCommands::createEndorsementKeyPair);
        m.put(Ordinal.ReadPubek, OwnershipCommands::readPubek);
        m.put(Ordinal.OwnerReadPubek, OwnershipCommands::ownerReadPubek);
        m.put(Ordinal.DisablePubekRead, OwnershipCommands::disablePubekRead);
        m.put(Ordinal.OwnerReadInternalPub, OwnershipCommands::ownerReadInternalPub);
        // storage and keys
        m.put(Ordinal.CreateWrapKey, StorageCommands::createWrapKey);
        m.put(Ordinal.LoadKey2, StorageCommands::loadKey2);
        m.put(Ordinal.LoadKey, StorageCommands::loadKey2);
        m.put(Ordinal.GetPubKey, StorageCommands::getPubKey);
        m.put(Ordinal.Seal, StorageCommands::seal);
        m.put(Ordinal.Unseal, StorageCommands::unseal);
        m.put(Ordinal.UnBind, StorageCommands::unBind);
        m.put(Ordinal.Sign, StorageCommands::sign);
        // attestation, ticks, owner secrets
        m.put(Ordinal.Quote, AttestationCommands::quote);
        m.put(Ordinal.Quote2, AttestationCommands::quote2);
        m.put(Ordinal.GetTicks, AttestationCommands::getTicks);
        m.put(Ordinal.TickStampBlob, AttestationCommands::tickStampBlob);
        m.put(Ordinal.CertifyKey, CertifyCommands::certifyKey);
        m.put(Ordinal.CertifyKey2, CertifyCommands::certifyKey2);
        m.put(Ordinal.ChangeAuthOwner, AttestationCommands::changeAuthOwner);
        m.put(Ordinal.ChangeAuth, AttestationCommands::changeAuth);
        // identities
        m.put(Ordinal.MakeIdentity, IdentityCommands::makeIdentity);
        m.put(Ordinal.ActivateIdentity, IdentityCommands::activateIdentity);
        // monotonic counters
        m.put(Ordinal.CreateCounter, CounterCommands::createCounter);
        m.put(Ordinal.IncrementCounter, CounterCommands::incrementCounter);
        m.put(Ordinal.ReadCounter, CounterCommands::readCounter);
        m.put(Ordinal.ReleaseCounter, CounterCommands::releaseCounter);
        m.put(Ordinal.ReleaseCounterOwner, CounterCommands::releaseCounterOwner);
        // NV storage
        m.put(Ordinal.NV_DefineSpace, NvCommands::defineSpace);
        m.put(Ordinal.NV_WriteValue, NvCommands::writeValue);
        m.put(Ordinal.NV_WriteValueAuth, NvCommands::writeValue);
        m.put(Ordinal.NV_ReadValue, NvCommands::readValue);
        m.put(Ordinal.NV_ReadValueAuth, NvCommands::readValue);
        return Map.copyOf(m);
    }

    static Map<Integer, Tpm12Core.Handler> table() { return TABLE; }

    /** Whether the ordinal is implemented (TPM_CAP_ORD). */
    static boolean implemented(int ordinal) { return TABLE.containsKey(ordinal); }
}
