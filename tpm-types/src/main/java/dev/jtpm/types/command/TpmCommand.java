package dev.jtpm.types.command;

/**
 * A command record (Part 3): handle components first (marked {@code @Handle}), then parameters.
 * The type argument is its response record. Shared by the engine, the TSS and the services.
 */
public interface TpmCommand<R extends Record> {}
