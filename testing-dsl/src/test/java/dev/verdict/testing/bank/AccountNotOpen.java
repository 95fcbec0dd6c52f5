package dev.verdict.testing.bank;

import dev.verdict.decider.DomainRejection;

public final class AccountNotOpen extends DomainRejection {
    private static final long serialVersionUID = 1L;

    public AccountNotOpen(Account.Status status) {
        super("account.not-open", "the account is " + status.name().toLowerCase(java.util.Locale.ROOT));
    }
}
