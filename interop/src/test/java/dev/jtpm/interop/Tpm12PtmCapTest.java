package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.wire.CtrlRequest;
import dev.jtpm.wire.Ptm;
import org.junit.jupiter.api.Test;

/**
 * CMD_GET_CAPABILITY (PTM_CAP) of a TPM 1.2, jtpm against swtpm 0.7.1 on TCP control channels. swtpm 0.7.1 answers
 * 0x7FFF (its TPM 2 set without SEND_COMMAND_HEADER) and announces SET_DATAFD, which cannot work over TCP (both refuse it
 * there). jtpm's choice, as for its TPM 2: swtpm's bits, plus LOCK_STORAGE (which it implements,
 * as swtpm 0.8 announces it: 0x17FFF for a 1.2), less SET_DATAFD where no descriptor can arrive — 0x16FFF here. Each
 * difference is checked against what the command does.
 */
class Tpm12PtmCapTest {
    @Test
    void ptmCap_isSwtpms_plusLockStorage_lessDataFdOverTcp() throws Exception {
        try (Tpm12Pair p = new Tpm12Pair()) {
            int s = p.swtpmDevice.ctrl().capabilities(), j = p.jtpmDevice.ctrl().capabilities();
            assertThat(s).as("swtpm 0.7.1, TPM 1.2").isEqualTo(0x7FFF);
            assertThat(j).isEqualTo((s | Ptm.CAP_LOCK_STORAGE) & ~Ptm.CAP_SET_DATAFD).isEqualTo(0x16FFF);
            assertThat(j & Ptm.CAP_SEND_COMMAND_HEADER).as("TPM 2 only, in swtpm as in jtpm").isZero();
            // SET_DATAFD over TCP: announced by swtpm, refused by both (swtpm with TPM_IOERROR 0x1F while a data
            // connection is open, checked before the missing descriptor; jtpm with TPM_BAD_PARAMETER, the code swtpm
            // gives without a data connection)
            assertThat(p.swtpmDevice.ctrl().send(new CtrlRequest.SetDataFd()).result()).isEqualTo(0x1F);
            assertThat(p.jtpmDevice.ctrl().send(new CtrlRequest.SetDataFd()).result()).isEqualTo(Ptm.TPM_BAD_PARAMETER);
            // LOCK_STORAGE: unknown to swtpm 0.7.1, done by jtpm
            assertThat(p.swtpmDevice.ctrl().lockStorage(0)).isNotZero();
            assertThat(p.jtpmDevice.ctrl().lockStorage(0)).isZero();
        }
    }
}
