package dev.jtpm.engine.command.clock;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.command.ReadClock;
import dev.jtpm.types.command.ReadClockResponse;
import dev.jtpm.types.structure.TpmsClockInfo;
import dev.jtpm.types.structure.TpmsTimeInfo;

/** TPM2_ReadClock (Part 3, 29.1): Time since _TPM_Init, Clock, reset and restart counts. */
public final class ReadClockHandler implements CommandHandler<ReadClock, ReadClockResponse> {

    @Override
    public ReadClockResponse execute(ReadClock cmd, CommandContext ctx) {
        return new ReadClockResponse(timeInfo(ctx.state()));
    }

    /** The current TPMS_TIME_INFO. */
    public static TpmsTimeInfo timeInfo(TpmState s) {
        return new TpmsTimeInfo(s.time(), new TpmsClockInfo(s.clock(), s.persistent.resetCount,
                s.persistent.restartCount, s.persistent.clockSafe));
    }
}
