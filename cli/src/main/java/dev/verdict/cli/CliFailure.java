package dev.verdict.cli;

/**
 * A failure the tool reports as one line on standard error, with its exit code ({@link Verdict#NOT_FOUND}, {@link
 * Verdict#USAGE}, {@link Verdict#UNREACHABLE}). Never printed with a stack trace.
 */
final class CliFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    CliFailure(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    static CliFailure notFound(String message) {
        return new CliFailure(Verdict.NOT_FOUND, message);
    }

    static CliFailure usage(String message) {
        return new CliFailure(Verdict.USAGE, message);
    }

    static CliFailure unreachable(String message) {
        return new CliFailure(Verdict.UNREACHABLE, message);
    }

    int exitCode() {
        return exitCode;
    }
}
