package dev.jtpm.cli;

import dev.jtpm.server.OptionException;
import dev.jtpm.server.backend.Backend;
import dev.jtpm.server.backend.BackendSpec;
import dev.jtpm.server.backend.SealedStateKey;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsPcrSelection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jtpm seal-key}: a new random AES-256 state key (or a given one) sealed by a backend TPM to its current PCR
 * values, for {@code jtpm socket --key sealed=FILE,mode=aes-256-cbc,tcti=SPEC} (EVE's per-VM vTPM: the state key
 * sealed by the device TPM). The key is written nowhere else.
 */
@Command(name = "seal-key", mixinStandardHelpOptions = true,
        description = {"Seal a state key to a TPM's PCRs, for jtpm socket --key sealed=FILE,mode=aes-256-cbc,tcti=SPEC."})
final class SealKeyCommand implements Callable<Integer> {

    @Option(names = "--tcti", required = true, paramLabel = "SPEC", description = "the sealing TPM: " + BackendSpec.FORMS)
    String tcti;

    @Option(names = "--pcrs", required = true, paramLabel = "BANK:N,N[+BANK:N]", description = "the PCRs, e.g. sha256:0,7")
    String pcrs;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "the sealed key file to write")
    Path out;

    @Option(names = "--key-file", paramLabel = "FILE", description = "seal this binary key (16 or 32 octets) instead of a new random one")
    Path keyFile;

    private static final Map<String, Integer> BANKS = Map.of("sha1", TpmAlg.SHA1, "sha256", TpmAlg.SHA256,
            "sha384", TpmAlg.SHA384, "sha512", TpmAlg.SHA512);

    @Override
    public Integer call() {
        byte[] key = null;
        try {
            BackendSpec spec = BackendSpec.parse("--tcti", tcti);
            TpmlPcrSelection selection = parsePcrs(pcrs);
            if (keyFile != null) {
                key = Files.readAllBytes(keyFile);
                if (key.length != 16 && key.length != 32) throw new OptionException("--key-file: a key has 16 or 32 octets, not " + key.length);
            } else {
                key = new byte[32];
                new SecureRandom().nextBytes(key);
            }
            try (Backend tpm = spec.open()) {
                SealedStateKey.seal(tpm, selection, key, out);
            }
            System.out.println("sealed a " + key.length * 8 + "-bit state key to " + pcrs + " of " + spec.describe() + " in " + out
                    + "; start with --key sealed=" + out + ",mode=aes-" + key.length * 8 + "-cbc,tcti=" + tcti);
            return 0;
        } catch (OptionException | IOException e) {
            System.err.println("jtpm seal-key: " + e.getMessage());
            return 1;
        } finally {
            if (key != null) Arrays.fill(key, (byte) 0);
        }
    }

    static TpmlPcrSelection parsePcrs(String text) throws OptionException {
        List<TpmsPcrSelection> banks = new ArrayList<>();
        for (String bank : text.split("\\+")) {
            int colon = bank.indexOf(':');
            Integer alg = colon < 0 ? null : BANKS.get(bank.substring(0, colon));
            if (alg == null) throw new OptionException("--pcrs: expected BANK:N,N (sha1, sha256, sha384, sha512), not '" + bank + "'");
            List<Integer> numbers = new ArrayList<>();
            for (String n : bank.substring(colon + 1).split(",")) {
                try {
                    int i = Integer.parseInt(n.strip());
                    if (i < 0 || i > 23) throw new NumberFormatException();
                    numbers.add(i);
                } catch (NumberFormatException e) {
                    throw new OptionException("--pcrs: bad PCR number '" + n + "' (0-23)");
                }
            }
            banks.add(TpmsPcrSelection.of(alg, numbers.stream().mapToInt(Integer::intValue).toArray()));
        }
        return new TpmlPcrSelection(banks);
    }
}
