package dev.jtpm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code jtpm} command: {@code socket}, {@code cuse}, {@code chardev}, {@code ioctl} and
 * {@code start}. The swtpm front-ends ({@code socket}, {@code cuse}, {@code chardev}) parse swtpm's own
 * option syntax and bypass picocli.
 */
@Command(name = "jtpm", mixinStandardHelpOptions = true, version = "jtpm " + dev.jtpm.server.SwtpmSocket.VERSION,
        description = {"A virtual TPM 2.0 in pure Java.",
                "Also: socket, cuse, chardev (swtpm's front-ends; see jtpm <command> --help)."},
        subcommands = {SocketCommand.class, IoctlCommand.class, StartCommand.class, HostCommand.class, SetupCommand.class,
                LocalCaCommand.class, ImportStateCommand.class, PipeCommand.class, InstallCommand.class,
                EvePtpmCommand.class, EveRunCommand.class, SealKeyCommand.class,
                CrosVtpmCommand.class, RmCommand.class, ConnectCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Runs the command line and returns the exit code (no {@code System.exit}): for tests. */
    public static int execute(String... args) {
        // swtpm_ioctl's getopt_long_only syntax, parsed by IoctlCommand itself
        if (args.length > 0 && args[0].equals("ioctl")) {
            return IoctlCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), System.out, System.err, System.in);
        }
        if (args.length > 0) {
            dev.jtpm.server.SwtpmDevice.Kind device = deviceKind(args[0]);
            if (device != null) {
                return dev.jtpm.server.SwtpmDevice.run(device, java.util.List.of(args).subList(1, args.length), System.getenv(),
                        System.out, System.err);
            }
        }
        CommandLine cl = new CommandLine(new Main());
        cl.getSubcommands().get("socket").setUnmatchedOptionsArePositionalParams(true);
        cl.getSubcommands().get("eve-run").setStopAtPositional(true).setUnmatchedOptionsArePositionalParams(true);
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("jtpm: " + ex.getMessage());
            return 2;
        });
        return cl.execute(args);
    }

    public static void main(String[] args) {
        // `jtpm socket ...`, the path QEMU, libvirt and swtpm_setup start: its options are swtpm's and parsed by
        // SwtpmSocket, so go there without building the picocli model (a large share of a cold start)
        if (args.length > 0 && args[0].equals("socket")) {
            System.exit(dev.jtpm.server.SwtpmSocket.run(java.util.List.of(args).subList(1, args.length), System.getenv(),
                    System.out, System.err, null));
        }
        System.exit(execute(args));
    }

    private static dev.jtpm.server.SwtpmDevice.Kind deviceKind(String word) {
        return switch (word) {
            case "cuse" -> dev.jtpm.server.SwtpmDevice.Kind.CUSE;
            case "chardev" -> dev.jtpm.server.SwtpmDevice.Kind.CHARDEV;
            default -> null;
        };
    }
}
