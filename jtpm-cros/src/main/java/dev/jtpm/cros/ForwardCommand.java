package dev.jtpm.cros;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code ForwardCommand} (reference §3.2): the handle area is translated in place (virtual persistent handles become
 * freshly loaded host copies), the endorsement password substituted, the command sent to the host, and the host's
 * response returned unchanged. A successful Load records the child under its parent; a successful FlushContext
 * (whose flushHandle vtpm treats as handle 1) forgets it. Copies loaded for this command are flushed afterwards
 * unless children hold them.
 */
final class ForwardCommand implements VtpmCommand {
    static final int CC_LOAD = 0x157, CC_FLUSH_CONTEXT = 0x165, CC_START_AUTH_SESSION = 0x176;

    /** {@code kSupportedForwardCommands} with trunks' request handle counts (FlushContext: 1, vtpm's override). */
    static final Map<Integer, Integer> HANDLE_COUNTS = Map.ofEntries(
            Map.entry(0x173, 1), // ReadPublic
            Map.entry(0x153, 1), // Create
            Map.entry(0x157, 1), // Load
            Map.entry(0x165, 1), // FlushContext
            Map.entry(0x176, 2), // StartAuthSession
            Map.entry(0x151, 2), // PolicySecret
            Map.entry(0x168, 1), // MakeCredential
            Map.entry(0x147, 2), // ActivateCredential
            Map.entry(0x17D, 0), // Hash
            Map.entry(0x15D, 1), // Sign
            Map.entry(0x177, 1), // VerifySignature
            Map.entry(0x148, 2), // Certify
            Map.entry(0x14A, 2), // CertifyCreation
            Map.entry(0x17B, 0)); // GetRandom

    private final HostTpm host;
    private final HandleManager handles;
    private final EndorsementPasswordChanger changer;

    ForwardCommand(HostTpm host, HandleManager handles, EndorsementPasswordChanger changer) {
        this.host = host;
        this.handles = handles;
        this.changer = changer;
    }

    @Override
    public byte[] run(byte[] command) {
        List<HandleManager.Scoped> scoped = new ArrayList<>();
        int cc = -1;
        try {
            CommandReader r = new CommandReader(command);
            cc = r.parseHeader().cc();
            int n = HANDLE_COUNTS.getOrDefault(cc, 0);
            byte[] hostCommand = command.clone();
            for (int i = 0; i < n; i++) {
                int guestHandle = r.u32();
                HandleManager.Scoped s = handles.translate(guestHandle);
                scoped.add(s);
                CommandReader.putU32(hostCommand, 10 + 4 * i, s.hostHandle());
            }
            hostCommand = changer.change(hostCommand);
            byte[] rsp = host.send(hostCommand);
            if (Responses.rc(rsp) == 0) {
                if (cc == CC_LOAD && rsp.length >= 14) {
                    handles.onLoad(scoped.get(0).hostHandle(), CommandReader.u32(rsp, 10));
                } else if (cc == CC_FLUSH_CONTEXT) {
                    handles.onUnload(scoped.get(0).hostHandle());
                } else if (cc == CC_START_AUTH_SESSION && rsp.length >= 14) {
                    handles.onSessionStarted(CommandReader.u32(rsp, 10));
                }
            }
            return rsp;
        } catch (VtpmException e) {
            if (cc == CC_FLUSH_CONTEXT && e.rc() == VtpmRc.HANDLE && command.length >= 14) {
                handles.dropSession(CommandReader.u32(command, 10)); // the answer stays the reference's TPM_RC_HANDLE
            }
            return Responses.headerOnly(e.rc());
        } finally {
            for (HandleManager.Scoped s : scoped) handles.release(s);
        }
    }
}
