/**
 * TPM 2.0 cryptography over the JCA, with Bouncy Castle only where the JDK lacks something: the key
 * derivation functions of Part 1 §11.4.10 ({@link dev.jtpm.crypto.Kdf}), deterministic primary keys
 * (Part 1 §26/§27, {@link dev.jtpm.crypto.PrimaryKeys}), protected storage of private areas and
 * context blobs (Part 1 §22–§23, §30: {@link dev.jtpm.crypto.SensitiveProtection},
 * {@link dev.jtpm.crypto.ContextProtection}), block-cipher modes with the TPM's IV chaining
 * ({@link dev.jtpm.crypto.Symmetric}) and the asymmetric schemes a TPM signs, decrypts and agrees keys
 * with ({@link dev.jtpm.crypto.RsaSchemes}, {@link dev.jtpm.crypto.EccSchemes}), seed sharing with a key
 * ({@link dev.jtpm.crypto.SecretSharing}), ticket HMACs ({@link dev.jtpm.crypto.Tickets}) and XOR
 * obfuscation ({@link dev.jtpm.crypto.XorObfuscation}).
 *
 * <p>Nothing here holds state between calls and nothing is static and mutable, so one JVM can host
 * any number of TPM instances. Algorithms are named by their TPM_ALG_ID ({@link dev.jtpm.types.TpmAlg}).
 */
package dev.jtpm.crypto;
