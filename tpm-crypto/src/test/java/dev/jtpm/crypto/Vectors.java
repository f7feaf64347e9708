package dev.jtpm.crypto;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.provider.Arguments;

/** Reads the known-answer CSV files beside the tests ('#' comments; empty fields are empty values). */
final class Vectors {
    private Vectors() {}

    static Stream<Arguments> csv(String resource) {
        try (var in = Vectors.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("missing " + resource);
            List<String> lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII)).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
            return lines.stream().map(l -> Arguments.of((Object[]) l.split(",", -1)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] hex(String s) { return HexFormat.of().parseHex(s); }

    static String hex(byte[] b) { return HexFormat.of().formatHex(b); }

    static int alg(String s) { return Integer.decode(s); }
}
