package dev.verdict.benchmarks;

/** The Verdict side of scenario 8 (memory). Not wired while the runtime is missing. */
final class VerdictMemory implements AutoCloseable {
    private final String why;

    private VerdictMemory(String why) {
        this.why = why;
    }

    static VerdictMemory open(BenchmarkContext ctx) {
        return new VerdictMemory(Missing.RUNTIME);
    }

    boolean available() {
        return why.isEmpty();
    }

    boolean projectionsAvailable() {
        return false;
    }

    String why() {
        return why;
    }

    /** Writes one entity with that many events; returns its subject. */
    String prepareReplay(int events) {
        throw new UnsupportedOperationException(why);
    }

    Measurement cachedEntities(String scenario, int entities) {
        throw new UnsupportedOperationException(why);
    }

    Object replay(int events) {
        throw new UnsupportedOperationException(why);
    }

    Object rebuild(int events) {
        throw new UnsupportedOperationException(why);
    }

    @Override
    public void close() {}
}
