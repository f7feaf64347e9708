package dev.jtpm.types.command;

/** The response of a command that returns no handles and no parameters. */
public record EmptyResponse() {
    public static final EmptyResponse INSTANCE = new EmptyResponse();
}
