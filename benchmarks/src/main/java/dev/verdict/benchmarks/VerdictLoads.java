package dev.verdict.benchmarks;

import java.util.List;

/** The Verdict side of scenario 2 (cold loads). Not wired while the runtime is missing from this branch. */
final class VerdictLoads implements AutoCloseable {
    private final String why;

    private VerdictLoads(String why) {
        this.why = why;
    }

    static VerdictLoads open(BenchmarkContext ctx) {
        return new VerdictLoads(Missing.RUNTIME);
    }

    boolean available() {
        return why.isEmpty();
    }

    String why() {
        return why;
    }

    String subject(int events) {
        throw new UnsupportedOperationException(why);
    }

    void prepare(int events) {
        throw new UnsupportedOperationException(why);
    }

    Trial loads(int events, boolean snapshot, int count) {
        throw new UnsupportedOperationException(why);
    }

    void rememberSnapshotLoads(int events, List<Trial> trials) {}

    Ratio snapshotFlatness(String scenario) {
        throw new UnsupportedOperationException(why);
    }

    @Override
    public void close() {}
}
