package dev.jtpm.types.structure;

/** TPMS_CLOCK_INFO (Part 2, 10.11.1). */
public record TpmsClockInfo(long clock, int resetCount, int restartCount, boolean safe) {}
