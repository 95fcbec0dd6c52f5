package dev.verdict.benchmarks;

/**
 * The Verdict side of scenario 1: a command runtime over {@code entities} entities with a warm cache. Not wired
 * while the runtime is missing from this branch.
 */
final class VerdictCommands implements AutoCloseable {
    private final String why;

    private VerdictCommands(String why) {
        this.why = why;
    }

    static VerdictCommands open(BenchmarkContext ctx, int entities) {
        return new VerdictCommands(Missing.RUNTIME);
    }

    boolean available() {
        return why.isEmpty();
    }

    String why() {
        return why;
    }

    Trial closedLoop(int concurrency) {
        throw new UnsupportedOperationException(why);
    }

    @Override
    public void close() {}
}
