package dev.verdict.benchmarks;

/** A benchmark could not produce a trustworthy number (an operation failed, timed out, or read wrong data). */
final class BenchmarkFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BenchmarkFailed(String message, Throwable cause) {
        super(message, cause);
    }
}
