package dev.jtpm.types.codec;

/** Reads and writes values of one type in TPM wire format. */
public interface Codec<T> {
    T read(TpmReader r);

    void write(TpmWriter w, T value);
}
