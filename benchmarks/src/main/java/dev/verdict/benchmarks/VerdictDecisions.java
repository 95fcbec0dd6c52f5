package dev.verdict.benchmarks;

/** The Verdict side of scenario 3 (multi-event decisions). Not wired while the runtime is missing. */
final class VerdictDecisions implements AutoCloseable {
    private final String why;

    private VerdictDecisions(String why) {
        this.why = why;
    }

    static VerdictDecisions open(BenchmarkContext ctx, int entities) {
        return new VerdictDecisions(Missing.RUNTIME);
    }

    boolean available() {
        return why.isEmpty();
    }

    String why() {
        return why;
    }

    Trial decisions(int eventsPerDecision, int count) {
        throw new UnsupportedOperationException(why);
    }

    @Override
    public void close() {}
}
