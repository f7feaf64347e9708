package dev.jtpm.types.structure;

/** TPMS_TAGGED_PROPERTY (Part 2, 10.8.2). */
public record TpmsTaggedProperty(int property, int value) {}
