package dev.jtpm.types.structure;

/** TPMS_TIME_INFO (Part 2, 10.11.6). */
public record TpmsTimeInfo(long time, TpmsClockInfo clockInfo) {}
