package dev.jtpm.cli;

/** Entry point of the {@code jtpm} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.out.println("jtpm");
    }
}
