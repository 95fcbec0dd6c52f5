package dev.verdict.benchmarks;

/** The Verdict side of scenario 4 (cold commands on snapshotted entities). Not wired while the runtime is missing. */
final class VerdictColdCommands implements AutoCloseable {
    private final String why;

    private VerdictColdCommands(String why) {
        this.why = why;
    }

    static VerdictColdCommands open(BenchmarkContext ctx, int entities) {
        return new VerdictColdCommands(Missing.RUNTIME);
    }

    boolean available() {
        return why.isEmpty();
    }

    String why() {
        return why;
    }

    Trial trial() {
        throw new UnsupportedOperationException(why);
    }

    @Override
    public void close() {}
}
