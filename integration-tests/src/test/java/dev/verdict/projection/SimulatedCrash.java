package dev.verdict.projection;

/** Thrown inside a projection to simulate the process dying mid-transaction: an Error, so nothing catches it. */
final class SimulatedCrash extends Error {
    private static final long serialVersionUID = 1L;

    SimulatedCrash(String message) {
        super(message);
    }
}
