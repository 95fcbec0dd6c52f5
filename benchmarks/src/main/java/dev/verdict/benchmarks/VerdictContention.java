package dev.verdict.benchmarks;

/** The Verdict side of scenario 5 (contention). Not wired while the runtime is missing. */
final class VerdictContention implements AutoCloseable {
    private final String why;

    private VerdictContention(String why) {
        this.why = why;
    }

    static VerdictContention open(BenchmarkContext ctx) {
        return new VerdictContention(Missing.RUNTIME);
    }

    boolean available() {
        return why.isEmpty();
    }

    String why() {
        return why;
    }

    Trial trial(int writers, boolean runtimePerWriter) {
        throw new UnsupportedOperationException(why);
    }

    @Override
    public void close() {}
}
