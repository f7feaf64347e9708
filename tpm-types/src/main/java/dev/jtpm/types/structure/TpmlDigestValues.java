package dev.jtpm.types.structure;

import dev.jtpm.types.codec.Wire.Max;
import java.util.List;

/** TPML_DIGEST_VALUES (Part 2, 10.9.6): one digest per bank. */
public record TpmlDigestValues(@Max(TpmlPcrSelection.HASH_COUNT) List<TpmtHa> digests) {}
