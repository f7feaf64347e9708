package dev.jtpm.types.structure;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.codec.Wire.Max;
import java.util.List;

/** TPML_DIGEST (Part 2, 10.9.3): up to 8 digests. */
public record TpmlDigest(@Max(8) List<Bytes> digests) {}
