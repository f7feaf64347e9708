/** TPM 2.0 Part 2 types, constants and response codes. */
package dev.jtpm.types;
