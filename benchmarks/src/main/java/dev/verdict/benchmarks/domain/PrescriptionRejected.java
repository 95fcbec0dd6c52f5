package dev.verdict.benchmarks.domain;

import dev.verdict.decider.DomainRejection;

/** A command the prescription cannot accept (not ordered yet, ordered twice, or not enough left). */
public final class PrescriptionRejected extends DomainRejection {
    private static final long serialVersionUID = 1L;

    public PrescriptionRejected(String code, String message) {
        super(code, message);
    }
}
