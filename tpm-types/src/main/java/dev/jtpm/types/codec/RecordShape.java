package dev.jtpm.types.codec;

import java.util.List;

/**
 * What the codec and the command table know of a record type: its components, {@link Wire.Arm} values, command
 * code and response type, and how to build one and read its components. The {@code tpm-codegen} processor writes a
 * subclass for each wire record at build time (plain code, no reflection at start-up); {@link WireShapes#reflect}
 * derives the same from the class for records without one.
 */
public abstract class RecordShape {
    private final Class<?> type;
    private final List<WireComponent> components;
    private final int[] arm;
    private final int commandCode;
    private final Class<?> response;

    /**
     * @param type the record type
     * @param components its components, in order
     * @param arm the {@link Wire.Arm} selector values, or null
     * @param commandCode the {@code @CommandCode}, or -1
     * @param response the response record of a {@code TpmCommand<R>}, or null
     */
    protected RecordShape(Class<?> type, List<WireComponent> components, int[] arm, int commandCode, Class<?> response) {
        this.type = type;
        this.components = List.copyOf(components);
        this.arm = arm == null ? null : arm.clone();
        this.commandCode = commandCode;
        this.response = response;
    }

    /** The record type. */
    public final Class<?> type() { return type; }

    /** The components, in order. */
    public final List<WireComponent> components() { return components; }

    /** The {@link Wire.Arm} values, or null if the record is no union arm. */
    public final int[] arm() { return arm == null ? null : arm.clone(); }

    /** The {@code @CommandCode} value, or -1. */
    public final int commandCode() { return commandCode; }

    /** The response record type of a command record, or null. */
    public final Class<?> response() { return response; }

    /** A new record from its component values (boxed), in order. */
    public abstract Object construct(Object[] values);

    /** Component {@code index} of {@code record} (boxed). */
    public abstract Object get(Object record, int index);
}
