package dev.verdict.testing.bank;

import dev.verdict.decider.DomainRejection;

public final class BalanceLimitExceeded extends DomainRejection {
    private static final long serialVersionUID = 1L;

    public BalanceLimitExceeded(int amount, int balance) {
        super(
                "account.balance-limit",
                "cannot deposit " + amount + " onto " + balance + ": the balance is limited to "
                        + BankAccount.MAX_BALANCE);
    }
}
