package dev.jtpm.engine.command;

/**
 * Executes one command. Handlers get typed input and a context, never bytes or sessions; they
 * validate first, then produce output, and reject input by throwing
 * {@link dev.jtpm.types.TpmFailure}.
 *
 * @param <C> the command record
 * @param <R> the response record
 */
@FunctionalInterface
public interface CommandHandler<C extends Record, R extends Record> {
    R execute(C command, CommandContext ctx);
}
