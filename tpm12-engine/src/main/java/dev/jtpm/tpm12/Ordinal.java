package dev.jtpm.tpm12;

/** TPM 1.2 command ordinals (TPM Main Part 2, 17) and the tags of Part 2, 6. */
public final class Ordinal {
    private Ordinal() {}

    public static final int TAG_RQU_COMMAND = 0x00C1;
    public static final int TAG_RQU_AUTH1_COMMAND = 0x00C2;
    public static final int TAG_RQU_AUTH2_COMMAND = 0x00C3;
    public static final int TAG_RSP_COMMAND = 0x00C4;
    public static final int TAG_RSP_AUTH1_COMMAND = 0x00C5;
    public static final int TAG_RSP_AUTH2_COMMAND = 0x00C6;

    public static final int OIAP = 0x0A;
    public static final int OSAP = 0x0B;
    public static final int ChangeAuth = 0x0C;
    public static final int TakeOwnership = 0x0D;
    public static final int ChangeAuthOwner = 0x10;
    public static final int Extend = 0x14;
    public static final int PcrRead = 0x15;
    public static final int Quote = 0x16;
    public static final int Seal = 0x17;
    public static final int Unseal = 0x18;
    public static final int UnBind = 0x1E;
    public static final int CreateWrapKey = 0x1F;
    public static final int LoadKey = 0x20;
    public static final int GetPubKey = 0x21;
    public static final int Sign = 0x3C;
    public static final int Quote2 = 0x3E;
    public static final int LoadKey2 = 0x41;
    public static final int GetRandom = 0x46;
    public static final int StirRandom = 0x47;
    public static final int SelfTestFull = 0x50;
    public static final int ContinueSelfTest = 0x53;
    public static final int GetTestResult = 0x54;
    public static final int OwnerClear = 0x5B;
    public static final int DisableOwnerClear = 0x5C;
    public static final int ForceClear = 0x5D;
    public static final int DisableForceClear = 0x5E;
    public static final int GetCapability = 0x65;
    public static final int GetCapabilityOwner = 0x66;
    public static final int OwnerSetDisable = 0x6E;
    public static final int PhysicalEnable = 0x6F;
    public static final int PhysicalDisable = 0x70;
    public static final int SetOwnerInstall = 0x71;
    public static final int PhysicalSetDeactivated = 0x72;
    public static final int SetTempDeactivated = 0x73;
    public static final int CreateEndorsementKeyPair = 0x78;
    public static final int MakeIdentity = 0x79;
    public static final int ActivateIdentity = 0x7A;
    public static final int ReadPubek = 0x7C;
    public static final int OwnerReadPubek = 0x7D;
    public static final int DisablePubekRead = 0x7E;
    public static final int OwnerReadInternalPub = 0x81;
    public static final int Terminate_Handle = 0x96;
    public static final int SaveState = 0x98;
    public static final int Startup = 0x99;
    public static final int SaveContext = 0xB8;
    public static final int LoadContext = 0xB9;
    public static final int FlushSpecific = 0xBA;
    public static final int PCR_Reset = 0xC8;
    public static final int NV_DefineSpace = 0xCC;
    public static final int NV_WriteValue = 0xCD;
    public static final int NV_WriteValueAuth = 0xCE;
    public static final int NV_ReadValue = 0xCF;
    public static final int NV_ReadValueAuth = 0xD0;
    public static final int CreateCounter = 0xDC;
    public static final int IncrementCounter = 0xDD;
    public static final int ReadCounter = 0xDE;
    public static final int ReleaseCounter = 0xDF;
    public static final int ReleaseCounterOwner = 0xE0;
    public static final int GetTicks = 0xF1;
    public static final int TSC_PhysicalPresence = 0x4000000A;
    public static final int TSC_ResetEstablishmentBit = 0x4000000B;
}
