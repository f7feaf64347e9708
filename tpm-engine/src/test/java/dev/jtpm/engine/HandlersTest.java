package dev.jtpm.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.types.codec.TpmCodec;
import dev.jtpm.types.command.CommandTable;
import org.junit.jupiter.api.Test;

/**
 * The registration list: codecs are built lazily at a command's first use (so start-up stays fast), so this test
 * builds every registered command's and response's codec, as start-up used to: a bad record fails here, not
 * mid-command.
 */
class HandlersTest {
    @Test
    void everyRegisteredCommand_hasAHandler_andCodecsThatBuild() {
        CommandTable table = TpmCore.HANDLERS.table();
        assertThat(table.commandCodes()).isNotEmpty();
        for (int cc : table.commandCodes()) {
            CommandTable.Entry e = table.get(cc);
            assertThat(TpmCore.HANDLERS.handler(e.command())).as("handler of 0x%x", cc).isNotNull();
            assertThat(TpmCodec.of(e.command())).as("codec of 0x%x", cc).isNotNull();
            assertThat(TpmCodec.of(e.response())).as("response codec of 0x%x", cc).isNotNull();
        }
    }
}
