package dev.verdict.benchmarks;

/** The Verdict side of scenario 6 (projection catch-up). Not wired while projections are missing. */
final class VerdictProjection implements AutoCloseable {
    private final String why;

    private VerdictProjection(String why) {
        this.why = why;
    }

    static VerdictProjection open(BenchmarkContext ctx) {
        return new VerdictProjection(Missing.PROJECTION);
    }

    boolean available() {
        return why.isEmpty();
    }

    String why() {
        return why;
    }

    /** Writes the events through Verdict's store and returns the subject filter a raw reader uses for them. */
    String prepare(int events, int entities) {
        throw new UnsupportedOperationException(why);
    }

    Trial catchUp(int events) {
        throw new UnsupportedOperationException(why);
    }

    @Override
    public void close() {}
}
