package dev.verdict.testing.bank;

import dev.verdict.decider.DomainRejection;

public final class InsufficientFunds extends DomainRejection {
    private static final long serialVersionUID = 1L;

    public InsufficientFunds(int requested, int balance) {
        super("account.insufficient-funds", "cannot withdraw " + requested + ", the balance is " + balance);
    }
}
