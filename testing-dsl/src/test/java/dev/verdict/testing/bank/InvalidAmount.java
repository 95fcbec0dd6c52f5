package dev.verdict.testing.bank;

import dev.verdict.decider.DomainRejection;

public final class InvalidAmount extends DomainRejection {
    private static final long serialVersionUID = 1L;

    public InvalidAmount(int amount) {
        super("account.invalid-amount", "amounts must be positive, was " + amount);
    }
}
