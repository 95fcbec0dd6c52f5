package dev.verdict.cli;

import dev.verdict.store.EventStoreUnavailable;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code verdict}: the operator's command line for Verdict stores on NATS JetStream. It reads what Verdict writes
 * (streams, headers, buckets, consumers) and needs no application code.
 *
 * <p>Exit codes: {@value #OK} done, {@value #NOT_FOUND} not found (or not done), {@value #USAGE} wrong usage,
 * {@value #UNREACHABLE} server unreachable or refused. Failures are one line on standard error, never a stack trace.
 *
 * <pre>{@code
 * verdict --server nats://127.0.0.1:4222 history pharmacy prescription rx-42 --json
 * }</pre>
 */
@Command(
        name = "verdict",
        mixinStandardHelpOptions = true,
        versionProvider = Verdict.Version.class,
        description = "Inspect and operate Verdict stores on NATS JetStream.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "1:not found, or nothing done",
            "2:wrong usage (unknown command or option, bad value)",
            "3:server unreachable, or the server refused (authentication, permissions)"
        },
        subcommands = {
            StoresCommand.class,
            HistoryCommand.class,
            TailCommand.class,
            ProjectionsCommand.class,
            DeadLettersCommand.class,
            CommandCommand.class,
            ExportCommand.class,
            TimersCommand.class,
            EraseCommand.class,
            AutoComplete.GenerateCompletion.class
        })
public final class Verdict implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    public static final int OK = 0;
    public static final int NOT_FOUND = 1;
    public static final int USAGE = 2;
    public static final int UNREACHABLE = 3;

    private Verdict() {}

    /** Without a command: wrong usage (exit 2), like an unknown one. */
    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command");
    }

    /** Runs the tool and exits with its exit code. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the tool and returns its exit code (the process is not exited). */
    public static int run(String... args) {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            // the framework's log lines are not the tool's output; --verbose turns them on
            boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "off");
            System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        }
        CommandLine cli = new CommandLine(new Verdict());
        cli.setExecutionExceptionHandler(Verdict::failed);
        cli.setParameterExceptionHandler(Verdict::wrongUsage);
        return cli.execute(args);
    }

    private static int wrongUsage(CommandLine.ParameterException e, String[] args) {
        PrintWriter err = e.getCommandLine().getErr();
        err.println("verdict: " + oneLine(e.getMessage()) + " (see: "
                + e.getCommandLine().getCommandSpec().qualifiedName() + " --help)");
        err.flush();
        return USAGE;
    }

    private static int failed(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        int code;
        String message;
        if (e instanceof CliFailure f) {
            code = f.exitCode();
            message = f.getMessage();
        } else if (e instanceof EventStoreUnavailable) {
            code = UNREACHABLE;
            message = e.getMessage();
        } else {
            code = NOT_FOUND;
            message = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        err.println("verdict: " + oneLine(Secrets.redact(message)));
        err.flush();
        return code;
    }

    static String oneLine(String message) {
        if (message == null) {
            return "failed";
        }
        String line = message.strip().replaceAll("\\s*\\R\\s*", " ");
        return line.length() > 400 ? line.substring(0, 400) + "…" : line;
    }

    /** The version of the jar, or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Verdict.class.getPackage().getImplementationVersion();
            return new String[] {"verdict " + (v == null ? "development" : v)};
        }
    }
}
